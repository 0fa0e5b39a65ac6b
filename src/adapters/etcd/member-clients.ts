import type { Etcd3 } from 'etcd3';
import { UpstreamError } from '../../errors.js';
import { createProbeClient } from './probe-client.js';

/** The end of a prefix range: the prefix with its last byte incremented. */
export function rangeEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

export interface MemberClients {
  /**
   * Runs `call` on one member with a deadline, then on the next one if it fails, starting from the
   * member that answered last. Fails with UpstreamError('etcd') naming each member's error.
   */
  onAnyMember<T>(what: string, call: (client: Etcd3, deadline: Date) => Promise<T>): Promise<T>;
  /** The client of the member that answered last (for watches). */
  preferred(): Etcd3;
  close(): Promise<void>;
}

/**
 * One fault-handling-free client per member: a dead member costs one deadline, never the etcd3
 * client's 10–20 s of hidden retries. Shared by the elections and deployment-history adapters.
 */
export function createMemberClients(endpoints: string[], callTimeoutMs: number): MemberClients {
  const clients = endpoints.map((endpoint) => ({ endpoint, client: createProbeClient(endpoint) }));
  let preferred = 0;
  return {
    async onAnyMember(what, call) {
      const errors: string[] = [];
      for (let i = 0; i < clients.length; i++) {
        const index = (preferred + i) % clients.length;
        const { endpoint, client } = clients[index]!;
        try {
          const result = await call(client, new Date(Date.now() + callTimeoutMs));
          preferred = index;
          return result;
        } catch (e) {
          errors.push(`${endpoint}: ${(e as Error).message.split('\n')[0]}`);
        }
      }
      throw new UpstreamError(`No etcd member answered while ${what} (${errors.join('; ')}).`, { service: 'etcd' });
    },
    preferred: () => clients[preferred]!.client,
    async close() {
      await Promise.allSettled(clients.map(({ client }) => Promise.resolve(client.close())));
    },
  };
}
