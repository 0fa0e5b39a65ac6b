/**
 * `/dev etcd members` run by a shipped `devbot worker` process (bin/devbot.mjs, a config file as a
 * user writes it) against an etcd cluster of the test's own with one member down. The test process
 * only queues the command through handleCommand; the member list reaches the fake Slack Web API.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { handleCommand } from '../../src/commands/handle-command.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import { stopMember } from '../../tools/local-cluster/members.js';
import { startLocalCluster, type LocalCluster } from '../../tools/local-cluster/start-local-cluster.js';
import { createProcessGroup, type ProcessGroup } from '../harness/devbot-processes.js';
import { uniqueName } from '../harness/unique.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { waitHealthy } from './etcd-repair-harness.js';

const run = promisify(execFile);

describe('/dev etcd members through a shipped devbot worker', () => {
  let cluster: LocalCluster;
  let fake: FakeSlackApi;
  let group: ProcessGroup;
  let deps: BuiltDeps;

  beforeAll(async () => {
    [cluster, fake] = await Promise.all([startLocalCluster(), startFakeSlackApi()]);
    group = createProcessGroup('etcd-members');
    const yaml = `
redis: { prefix: ${uniqueName('members')} }
jobs: { queue: ${uniqueName('q')} }
ops: { workerPort: 0 }
alerts: { enabled: false }
environments:
  local: { etcd: { endpoints: [${cluster.etcd.endpoints.join(', ')}] } }
channels:
  ops: { id: C0OPS, environment: local }
acl:
  rules:
    - { name: sre, users: [alice], verbs: [etcd], channels: [ops], environments: [local] }
`;
    const env = { DEVBOT_REDIS_URL: inject('redisUrl'), DEVBOT_SLACK_BOT_TOKEN: 'xoxb-members', DEVBOT_SLACK_API_URL: fake.url };
    const configFile = join(group.dir, 'devbot.yaml');
    writeFileSync(configFile, yaml);
    deps = buildDeps(loadConfig({ documents: [yaml], env }), silentLogger());
    await group.startShipped('worker', 'w1', { configFile, env });
  });

  afterAll(async () => {
    await group?.stop();
    await deps?.close();
    await fake?.close();
    await cluster?.stop();
  });

  it('lists every member: hex id, name, URLs, voter, reachable, leader, raft index and lag, db size, version; a down member as unreachable', async () => {
    await stopMember(cluster.stateFile, 'e3');
    const [e1, e2, e3] = cluster.etcd.members;
    await waitHealthy([e1!.clientUrl, e2!.clientUrl]);
    const { stdout } = await run('etcdctl', [`--endpoints=${e1!.clientUrl}`, 'member', 'list']);
    // etcdctl's table: id, status, name, peer URLs, client URLs, is learner.
    const ids = Object.fromEntries(stdout.trim().split('\n').map((l) => l.split(', ')).map(([id, , name]) => [name!, id!]));

    const reply = await handleCommand({ text: 'etcd members', user: 'alice', channel: 'C0OPS', channelName: 'ops', transport: { kind: 'slack' }, requestId: uniqueName('r') }, deps);
    expect(reply.outcome, reply.text).toBe('queued');
    const final = await fake.waitForCall('chat.update', (c) => String(c.params['text']).startsWith('etcd in local: 2 of 3 voters reachable'), 20_000);
    const text = String(final.params['text']);
    expect(text).toMatch(/^etcd in local: 2 of 3 voters reachable; leader e[12]\.$/m);
    for (const m of [e1!, e2!]) {
      expect(text).toMatch(new RegExp(`^- ${m.name} ${ids[m.name]} · voter · reachable · (leader · raft index \\d+|raft index \\d+ \\(\\d+ behind the leader\\)) · db \\d+ KB · etcd 3\\.4\\.23$`, 'm'));
      expect(text).toContain(`    peer ${m.peerUrl} · client ${m.clientUrl}`);
    }
    expect(text).toMatch(new RegExp(`^- e3 ${ids['e3']} · voter · UNREACHABLE \\(cannot connect \\(ECONNREFUSED\\)\\)$`, 'm'));
    expect(text).toContain(`    peer ${e3!.peerUrl} · client ${e3!.clientUrl}`);
    expect(JSON.stringify(final.params['blocks'])).toContain(':red_circle: *e3*');
  });
});
