export { startLocalCluster, type LocalCluster, type LocalEtcdMember, type StartOptions } from './start-local-cluster.js';
export { stopMember, startMember, freezeMember, thawMember, stopAll } from './members.js';
export { readState, type ClusterState, type ProcessEntry, type EtcdMemberEntry } from './state.js';
export { isEtcdHealthy } from './etcd.js';
export { ensureInstalled } from './ensure-installed.js';
export { waitFor } from './wait-for.js';
export { replaceMember } from './replace-member.js';
