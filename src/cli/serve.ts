import { startDashboard } from '../adapters/http/dashboard.js';
import { createHealthRoute, createOpsRoutes, rememberSuccess } from '../adapters/http/ops-routes.js';
import { startRoutesServer } from '../adapters/http/routes-server.js';
import { createPromMetrics } from '../adapters/metrics/prom-metrics.js';
import { connectRedis } from '../adapters/redis/connect-redis.js';
import { createRateBudgetView } from '../adapters/slack/rate-budget-view.js';
import { createSlackApp } from '../adapters/slack/slack-app.js';
import { usergroupCacheOf, usergroupEntries } from '../acl/policy.js';
import { startUsergroupRefresh } from '../acl/usergroup-refresh.js';
import { buildDeps } from '../build-deps.js';
import { publishHome } from '../home/publish-home.js';
import type { Deps } from '../deps.js';
import { handleAction } from '../commands/handle-action.js';
import { handleCommand } from '../commands/handle-command.js';
import { loadForCli, onShutdown } from './load.js';

/**
 * `devbot serve`: the Slack app (commands acked at once, run by workers) and the ops routes.
 * `opts.jobKinds` replaces the registered job kinds (tests register scripted kinds this way).
 */
export async function runServe(file: string | undefined, opts: { jobKinds?: Deps['jobKinds'] } = {}): Promise<void> {
  const { config, log } = loadForCli(file);
  const metrics = createPromMetrics();
  const deps = buildDeps(config, log.child({ component: 'serve' }), { metrics });
  if (opts.jobKinds) deps.jobKinds = opts.jobKinds;
  // The acks say when Slack's budget already has calls waiting, from a view kept in the background.
  const budgetView = config.slack.rateBudget === 'off' ? undefined : createRateBudgetView({
    redis: connectRedis(config.redis.url, 'producer', { commandTimeoutMs: config.redis.commandTimeoutMs }),
    prefix: config.redis.prefix,
    log: log.child({ component: 'slack-budget-view' }),
    channels: Object.values(config.channels).flatMap((c) => (c.id ? [c.id] : [])),
  });
  deps.slackBusy = budgetView;
  metrics.setQueueDepthCollector(() => deps.queue.counts());
  const routes = createOpsRoutes({
    checks: {
      redis: async () => void (await deps.queue.counts()),
      // auth.test at most every 30 s, however often the probe comes.
      slack: rememberSuccess(async () => void (await slack.app.client.auth.test()), 30_000),
    },
    metrics,
    log: log.child({ component: 'ops' }),
  });
  const slack = await createSlackApp({
    config,
    log: log.child({ component: 'slack' }),
    handleCommand: (input) => handleCommand(input, deps),
    handleAction: (input) => handleAction(input, deps),
    // An hour outlasts Slack's redeliveries of an event (three, within minutes).
    claimEvent: (key) => deps.eventClaims.claim(key, 3600_000),
    usergroupsChanged: deps.usergroups ? (change) => deps.usergroups!.membersChanged(change) : undefined,
    homeOpened: (user) => publishHome(user, deps, { opened: true }),
    // The Slack port is public: /healthz only (load balancers). The ops routes have a port of their own.
    routes: config.slack.appToken ? [] : [createHealthRoute()],
  });
  await slack.start();
  const usergroupRefresh = deps.usergroups && usergroupEntries(config.acl).length
    ? startUsergroupRefresh(deps.usergroups, usergroupCacheOf(config.acl).refreshMs, log.child({ component: 'usergroups' }))
    : undefined;
  // Metrics are not worth refusing commands for: a taken ops port is logged and serve runs on.
  const ops = await startRoutesServer({ routes, host: config.ops.host, port: config.ops.servePort, what: 'the serve ops routes' }).catch((err: unknown) => {
    log.error({ err }, 'not serving /healthz, /readyz, /metrics');
    return undefined;
  });
  const dashboard = await startDashboard({ dashboard: config.dashboard, redis: config.redis, queueNames: [config.jobs.queue] });
  log.info({ port: slack.port(), opsPort: ops?.port, socketMode: Boolean(config.slack.appToken), dashboardPort: dashboard?.port }, 'devbot is serving Slack');
  onShutdown(async () => {
    await ops?.close();
    await dashboard?.close();
    usergroupRefresh?.stop();
    await slack.stop();
    budgetView?.stop();
    await deps.close();
  }, log);
}
