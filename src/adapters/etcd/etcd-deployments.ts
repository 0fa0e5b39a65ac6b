import type { Logger } from '../../log.js';
import type { DeploymentRecord, Deployments } from '../../ports/deployments.js';
import { createMemberClients, rangeEnd } from './member-clients.js';

export interface EtcdDeploymentsOptions {
  endpoints: string[];
  /** Records live under `<prefix>/<service>/<ms since epoch, 13 digits>-<job id>`. */
  prefix: string;
  callTimeoutMs: number;
  log: Logger;
}

const SORT_DESCEND = 2;
const SORT_BY_CREATE_REVISION = 2;

/**
 * Deployment history in the environment's etcd, one key per deployment. Same client discipline as
 * the elections adapter: one fault-handling-free client per member, a deadline per call, the next
 * member on failure, so a dead member costs one deadline and never etcd3's hidden retries.
 */
export function createEtcdDeployments(opts: EtcdDeploymentsOptions): Deployments {
  const members = createMemberClients(opts.endpoints, opts.callTimeoutMs);
  const onAnyMember = members.onAnyMember.bind(members);

  return {
    async record(entry) {
      const key = `${opts.prefix}/${entry.service}/${String(Date.parse(entry.at)).padStart(13, '0')}-${entry.jobId}`;
      // A put of the same key and value is idempotent, so trying the next member after a deadline is safe.
      await onAnyMember(`recording the deployment of ${entry.service}`, (client, deadline) =>
        client.kv.put({ key: Buffer.from(key), value: Buffer.from(JSON.stringify(entry)) }, { deadline }),
      );
      opts.log.info({ key, service: entry.service, version: entry.version, outcome: entry.outcome }, 'deployment recorded');
    },

    async list({ service, limit }) {
      const key = Buffer.from(service ? `${opts.prefix}/${service}/` : `${opts.prefix}/`);
      const res = await onAnyMember(`reading the deployment history${service ? ` of ${service}` : ''}`, (client, deadline) =>
        client.kv.range({ key, range_end: rangeEnd(key), limit, sort_order: SORT_DESCEND, sort_target: SORT_BY_CREATE_REVISION }, { deadline }),
      );
      return res.kvs.flatMap((kv) => {
        try {
          return [JSON.parse(kv.value.toString()) as DeploymentRecord];
        } catch {
          opts.log.warn({ key: kv.key.toString() }, 'unreadable deployment record skipped');
          return [];
        }
      });
    },

    async close() {
      await members.close();
    },
  };
}
