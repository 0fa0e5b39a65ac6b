import { createAwsPorts, type AwsPorts } from './adapters/aws/aws-clients.js';
import { createBullmqQueue } from './adapters/bullmq/bullmq-queue.js';
import { createBackups } from './adapters/create-backups.js';
import { createStreamChat } from './adapters/console/stream-chat.js';
import { createEtcdCluster } from './adapters/etcd/etcd-cluster.js';
import { createEtcdDeployments } from './adapters/etcd/etcd-deployments.js';
import { createEtcdElections } from './adapters/etcd/etcd-elections.js';
import { createEtcdMembers } from './adapters/etcd/etcd-members.js';
import { createEtcdSnapshots } from './adapters/etcd/etcd-snapshots.js';
import { createSnapshotTools } from './adapters/etcd/snapshot-tools.js';
import { createFleetScheduler } from './adapters/fleet/fleet-scheduler.js';
import { connectRedis } from './adapters/redis/connect-redis.js';
import { createRedisAlertStore } from './adapters/redis/redis-alert-store.js';
import { createRedisAudit } from './adapters/redis/redis-audit.js';
import { createRedisBackupAttempts } from './adapters/redis/redis-backup-attempts.js';
import { createRedisConsoleListeners } from './adapters/redis/redis-console-listeners.js';
import { createRedisConfirmations } from './adapters/redis/redis-confirmations.js';
import { createRedisEventClaims } from './adapters/redis/redis-event-claims.js';
import { createRedisJobState } from './adapters/redis/redis-job-state.js';
import { createRedisLocks } from './adapters/redis/redis-locks.js';
import { createRedisRemediationStore } from './adapters/redis/redis-remediation-store.js';
import { createRateBudget } from './adapters/slack/rate-budget.js';
import { createSlackChat } from './adapters/slack/slack-chat.js';
import { createRemote } from './adapters/ssh/create-remote.js';
import { createWebClient } from './adapters/slack/web-client.js';
import { createSlackUsergroupDirectory } from './adapters/slack/slack-usergroups.js';
import { createRedisUsergroupCache } from './adapters/redis/redis-usergroup-cache.js';
import { createRedisHomeViewers } from './adapters/redis/redis-home-viewers.js';
import { createUsergroupMembership } from './acl/usergroup-membership.js';
import { awsConfigOf } from './config/aws-schema.js';
import { backupHowTo } from './config/backup-schema.js';
import type { Config, EnvironmentConfig } from './config/schema.js';
import type { Deps } from './deps.js';
import { ConfigError } from './errors.js';
import { JOB_KINDS } from './jobs/kinds.js';
import type { Logger } from './log.js';
import { noMetrics, type Metrics } from './ports/metrics.js';
import type { Chat } from './ports/chat.js';
import type { Cluster } from './ports/cluster.js';
import type { Deployments } from './ports/deployments.js';
import type { Elections } from './ports/elections.js';
import type { Backups } from './ports/backups.js';
import type { EtcdSnapshots } from './ports/etcd-snapshots.js';
import type { Members } from './ports/members.js';
import type { Scheduler } from './ports/scheduler.js';

const refuse = (): Promise<never> => Promise.reject(new ConfigError('Cannot post to Slack: DEVBOT_SLACK_BOT_TOKEN is not set.'));
/** The Slack chat of a process configured without a bot token: every call fails, saying so. */
const noSlackChat: Chat = { post: refuse, update: refuse, postEphemeral: refuse };

export interface BuiltDeps extends Deps {
  close(): Promise<void>;
}

/** Wires the real adapters from config. The only place (with main.ts) that knows which adapter backs which port. */
export function buildDeps(config: Config, log: Logger, opts: { metrics?: Metrics } = {}): BuiltDeps {
  const redis = connectRedis(config.redis.url, 'producer', { commandTimeoutMs: config.redis.commandTimeoutMs });
  const { prefix } = config.redis;
  const queue = createBullmqQueue({
    redisUrl: config.redis.url,
    prefix: config.redis.prefix,
    queueName: config.jobs.queue,
    commandTimeoutMs: config.redis.commandTimeoutMs,
  });
  let slackChat: Chat | undefined;
  const closers: Array<() => unknown> = [];

  /**
   * One adapter per environment, made on first use and closed with the rest. `create` gets the
   * environment's config and throws ConfigError when the part it needs is not configured.
   */
  function perEnvironment<T extends object>(create: (environment: string, env: EnvironmentConfig) => T, close: (adapter: T) => unknown): (environment: string) => T {
    const made = new Map<string, T>();
    closers.push(() => Promise.allSettled([...made.values()].map((a) => close(a))));
    return (environment) => {
      const env = config.environments[environment];
      if (!env) throw new ConfigError(`Unknown environment '${environment}'.`);
      let adapter = made.get(environment);
      if (!adapter) {
        adapter = create(environment, env);
        made.set(environment, adapter);
      }
      return adapter;
    };
  }
  const child = (component: string, environment: string) => log.child({ component, environment });

  const clusterFor = perEnvironment<Cluster>(
    (e, env) => createEtcdCluster({ endpoints: env.etcd.endpoints, probeTimeoutMs: env.etcd.probeTimeoutMs, log: child('etcd', e) }),
    (c) => c.close(),
  );
  const electionsFor = perEnvironment<Elections>(
    (e, env) => createEtcdElections({ endpoints: env.etcd.endpoints, callTimeoutMs: env.etcd.probeTimeoutMs, log: child('elections', e) }),
    (c) => c.close(),
  );
  const membersFor = perEnvironment<Members>(
    (e, env) => createEtcdMembers({ endpoints: env.etcd.endpoints, callTimeoutMs: Math.max(env.etcd.probeTimeoutMs, 2000), log: child('members', e) }),
    (m) => m.close(),
  );
  const backupsFor = perEnvironment<Backups & { close(): void }>((e, env) => {
    if (!env.etcd.backup) throw new ConfigError(backupHowTo(e));
    return createBackups(e, env.etcd.backup, process.env);
  }, (b) => b.close());
  const etcdSnapshotsFor = perEnvironment<EtcdSnapshots>(
    (e, env) => createEtcdSnapshots({ endpoints: env.etcd.endpoints, probeTimeoutMs: Math.max(env.etcd.probeTimeoutMs, 2000), log: child('snapshots', e) }),
    (s) => s.close(),
  );
  const awsFor = perEnvironment<AwsPorts>((e, env) => createAwsPorts({ region: awsConfigOf(e, env).region }), (p) => p.close());
  const schedulerFor = perEnvironment<Scheduler>((e, env) => {
    if (!env.fleet) throw new ConfigError(`fleet is not configured for ${e} (environments.${e}.fleet.url).`);
    return createFleetScheduler({ url: env.fleet.url, timeoutMs: env.fleet.requestTimeoutMs, log: child('fleet', e) });
  }, () => undefined);
  const deploymentsFor = perEnvironment<Deployments>(
    (e, env) => createEtcdDeployments({ endpoints: env.etcd.endpoints, prefix: env.fleet?.historyPrefix ?? 'devbot/deployments', callTimeoutMs: env.etcd.probeTimeoutMs, log: child('deployments', e) }),
    (d) => d.close(),
  );

  const jobState = createRedisJobState(redis, prefix);
  const chatFor: Deps['chatFor'] = (transport) => {
    if (transport.kind === 'console') {
      return createStreamChat(redis, prefix, transport.session);
    }
    if (!slackChat) {
      // Without a token nothing can reach Slack, but a job that might post there (an alert
      // evaluation for console listeners, say) must still run: only a real post fails.
      if (!config.slack.botToken) return noSlackChat;
      const client = createWebClient({ token: config.slack.botToken, apiUrl: config.slack.apiUrl, log: log.child({ component: 'slack' }) });
      // The workspace's rate budget, shared in Redis with every other replica, on a connection of its own.
      const budget = config.slack.rateBudget === 'off' ? undefined : createRateBudget({
        redis: connectRedis(config.redis.url, 'producer', { commandTimeoutMs: config.redis.commandTimeoutMs }),
        prefix,
        log: log.child({ component: 'slack-budget' }),
        metrics: opts.metrics ?? noMetrics,
      });
      if (budget) closers.push(() => budget.close());
      slackChat = createSlackChat({ client, log: log.child({ component: 'slack' }), metrics: opts.metrics ?? noMetrics, ...(budget ? { budget } : {}) });
    }
    return slackChat;
  };

  return {
    config,
    log,
    queue,
    clusterFor,
    electionsFor,
    schedulerFor,
    deploymentsFor,
    stacksFor: (environment) => awsFor(environment).stacks,
    groupsFor: (environment) => awsFor(environment).groups,
    instancesFor: (environment) => awsFor(environment).instances,
    membersFor,
    backupsFor,
    etcdSnapshotsFor,
    snapshotTools: createSnapshotTools(),
    backupAttempts: createRedisBackupAttempts(redis, prefix),
    chatFor,
    now: () => new Date(),
    locks: createRedisLocks(redis, prefix),
    audit: createRedisAudit(redis, prefix, config.audit.retentionDays * 24 * 3600_000),
    jobState,
    jobMessages: jobState,
    confirmations: createRedisConfirmations(redis, prefix),
    jobKinds: JOB_KINDS,
    metrics: opts.metrics ?? noMetrics,
    alertStore: createRedisAlertStore(redis, prefix),
    remediation: createRedisRemediationStore(redis, prefix),
    consoleListeners: createRedisConsoleListeners(redis, prefix),
    eventClaims: createRedisEventClaims(redis, prefix),
    remoteFor: (environment) => createRemote(environment, config.environments[environment]?.remote, process.env),
    usergroups: createUsergroupMembership({
      policy: config.acl,
      directory: config.slack.botToken ? createSlackUsergroupDirectory({ token: config.slack.botToken, apiUrl: config.slack.apiUrl, log: log.child({ component: 'slack-usergroups' }) }) : undefined,
      cache: createRedisUsergroupCache(redis, prefix),
      now: () => new Date(),
      log: log.child({ component: 'usergroups' }),
    }),
    homeViewers: createRedisHomeViewers(redis, prefix),
    async close() {
      await Promise.all(closers.map((close) => close()));
      await queue.close();
      redis.disconnect();
    },
  };
}
