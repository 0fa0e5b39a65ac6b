export { createEtcdCluster, type EtcdClusterOptions } from './etcd-cluster.js';
