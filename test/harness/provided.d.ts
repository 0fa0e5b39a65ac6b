// What test/harness/global-setup.ts provides; read in tests with `inject(name)`.
declare module 'vitest' {
  export interface ProvidedContext {
    /** redis://127.0.0.1:<port> of the run's Redis (shared: use uniqueName() for queues and prefixes). */
    redisUrl: string;
    /** The run's 3-member etcd cluster, members e1, e2, e3. Pids are those at start. */
    etcd: {
      endpoints: string[];
      members: Array<{ name: string; clientUrl: string; peerUrl: string; pid: number }>;
    };
    /** State file for tools/local-cluster; use test/harness/cluster-control.ts rather than reading it. */
    clusterState: string;
  }
}

export {};
