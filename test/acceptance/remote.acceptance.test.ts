/**
 * The README's "Logs and ad-hoc commands": `/dev logs` and `/dev exec` through `devbot serve` +
 * `devbot worker`, with a config file as a user writes it and the SSH key in the worker's
 * environment. The machines are a real OpenSSH server (test/harness/sshd.ts) on two loopback
 * addresses, placed by the fleet fake; Slack at the wire (signed slash commands in, the Web API
 * fake out, files through files.getUploadURLExternal / files.completeUploadExternal).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFleetFake, type FleetFake } from '../../tools/fleet-fake/index.js';
import { startFakeSlackApi, type FakeSlackApi, type RecordedCall } from '../fakes/slack-api.js';
import { postSlashCommand } from '../fakes/slack-signing.js';
import { startSshd, type Sshd } from '../harness/sshd.js';
import { SIGNING_SECRET, slackEnv, startShipped, type Shipped } from './support/shipped-devbot.js';
import { userConfigYaml } from './support/user-config.js';

/** `journalctl -u UNIT -n N …`: N numbered lines naming the machine and the unit. */
const JOURNALCTL = `#!/bin/sh
unit=$2; n=$4
set -- $SSH_CONNECTION
i=1; while [ $i -le $n ]; do echo "2026-12-01T10:00:00+0000 $3 $unit[42]: request $i served"; i=$((i+1)); done
`;
/** `df -h`: one line saying where it ran. */
const DF = `#!/bin/sh
set -- $SSH_CONNECTION
echo "/dev/sda1 20G 5G 15G 25% / on $3"
`;
/** Anything that should never be run: it leaves a mark the test looks for. */
const REBOOT = `#!/bin/sh
echo "reboot ran" >&2
exit 0
`;

describe('acceptance: /dev logs and /dev exec through devbot serve and devbot worker, over SSH', () => {
  let slack: FakeSlackApi;
  let sshd: Sshd;
  let fleet: FleetFake;
  let shipped: Shipped;
  let serveUrl: string;

  beforeAll(async () => {
    sshd = await startSshd({ addresses: ['127.0.0.2', '127.0.0.3'], stubs: { journalctl: JOURNALCTL, df: DF, reboot: REBOOT } });
    fleet = await startFleetFake({
      machines: [
        { name: 'worker-a', ip: '127.0.0.2', metadata: { role: 'worker' } },
        { name: 'worker-b', ip: '127.0.0.3', metadata: { role: 'worker' } },
      ],
      timings: { scheduleMs: 10, startMs: 20, stopMs: 10 },
      tickMs: 10,
      containers: false,
    });
    await placeUnit(fleet, 'web@1.service', fleet.machines[0]!.id);
    slack = await startFakeSlackApi();
    shipped = startShipped('remote', slackEnv(inject('redisUrl'), slack.url));
    const catalog = join(shipped.group.dir, 'services.yaml');
    writeFileSync(catalog, 'services:\n  web: { image: team/web, version: "1", instances: 1 }\n');
    const config = shipped.writeConfig('devbot', userConfigYaml({
      name: 'remote',
      etcd: inject('etcd').endpoints,
      prod: `
    fleet:
      url: ${fleet.url}
      catalog: ${catalog}
    remote:
      user: ${sshd.user}
      port: ${sshd.port}
      privateKeyEnv: DEVBOT_SSH_KEY
      hostKeys:
        127.0.0.2: ${sshd.hostKey}
        127.0.0.3: ${sshd.hostKey}
      exec:
        disk: { argv: [df, -h] }`,
      acl: `
  rules:
    - name: oncall
      users: [U0ALICE]
      verbs: [logs, exec]
      channels: [ops]
      environments: [prod]`,
      more: `
alerts:
  enabled: false`,
    }));
    serveUrl = await shipped.serveAndWorker(config, { DEVBOT_SSH_KEY: sshd.clientKey });
  });

  afterAll(async () => {
    await shipped?.stop();
    await slack?.close();
    await fleet?.close();
    await sshd?.close();
  });

  /** `/dev <text>` as alice in #ops; resolves with the job id the ack names. */
  async function command(text: string): Promise<string> {
    const res = await postSlashCommand(serveUrl, SIGNING_SECRET, { text, user_id: 'U0ALICE', user_name: 'alice', channel_id: 'C0OPS', channel_name: 'ops' });
    expect(res.status).toBe(200);
    const ack = String((res.json() as { text?: unknown }).text ?? '');
    const jobId = /Queued as job ([a-z]+-[0-9a-f]{10})/.exec(ack)?.[1];
    if (!jobId) throw new Error(`the ack names no job: ${ack}`);
    return jobId;
  }

  /** The job's message (first post) and its final state as shown in the channel. */
  async function finished(jobId: string): Promise<{ posted: RecordedCall; text: string }> {
    const posted = await slack.waitForCall('chat.postMessage', (c) => c.params['channel'] === 'C0OPS' && String(c.params['text']).includes(`(job ${jobId},`), 20_000);
    const ended = (c: RecordedCall) => / — (succeeded|failed|cancelled) \(job /.test(String(c.params['text']));
    const last = ended(posted) ? posted : await slack.waitForCall('chat.update', (c) => c.params['ts'] === posted.ts && ended(c), 30_000);
    return { posted, text: String(last.params['text']) };
  }

  it('`/dev logs web@1 --lines 500` posts the journal as a file in the job’s thread', async () => {
    const job = await finished(await command('logs web@1 --lines 500'));
    expect(job.text).toMatch(/succeeded/);
    expect(job.text).toMatch(/Journal of web@1\.service on [0-9a-f]{8} \(127\.0\.0\.2\): 500 lines, posted as web@1\.service\.log/);
    const file = slack.files().find((f) => f.filename === 'web@1.service.log' && f.threadTs === job.posted.ts);
    expect(file, 'the file in the job’s thread').toBeDefined();
    const lines = file!.content.split('\n');
    expect(lines).toHaveLength(500);
    expect(lines[499]).toBe('2026-12-01T10:00:00+0000 127.0.0.2 web@1.service[42]: request 500 served');
    // The thread got the file, not 500 lines of messages.
    const threadPosts = slack.callsTo('chat.postMessage').filter((c) => c.params['thread_ts'] === job.posted.ts).map((c) => String(c.params['text']));
    expect(threadPosts.join('\n')).not.toContain('request 500 served');
  });

  it('`/dev exec role=worker disk` answers one line per machine, and their output in the thread', async () => {
    const job = await finished(await command('exec role=worker disk'));
    expect(job.text).toMatch(/succeeded/);
    expect(job.text).toMatch(/disk on 2 machines: 2 answered without error\./);
    expect(job.text).toMatch(/✓ [0-9a-f]{8} 127\.0\.0\.2: exit 0 in \d+ ms/);
    expect(job.text).toMatch(/✓ [0-9a-f]{8} 127\.0\.0\.3: exit 0 in \d+ ms/);
    const thread = await slack.waitForCall('chat.postMessage', (c) => c.params['thread_ts'] === job.posted.ts && String(c.params['text']).includes('on 127.0.0.3'), 10_000);
    expect(String(thread.params['text'])).toContain('25% / on 127.0.0.3');
  });

  it('refuses a command outside the allow-list, naming the allowed ones, and runs nothing', async () => {
    const job = await finished(await command('exec role=worker reboot'));
    expect(job.text).toMatch(/failed/);
    expect(job.text).toContain('`reboot` is not an allowed command here. Allowed: disk.');
    const thread = slack.callsTo('chat.postMessage').filter((c) => c.params['thread_ts'] === job.posted.ts).map((c) => String(c.params['text']));
    expect(thread.join('\n')).not.toMatch(/reboot ran|127\.0\.0\.[23]: exit/);
  });
});

/** Puts a launched unit on a machine through fleet's API v1, as fleetctl does, and waits until it is active. */
async function placeUnit(fleet: FleetFake, name: string, machineId: string): Promise<void> {
  const options = [
    { section: 'Service', name: 'ExecStart', value: '/bin/true' },
    { section: 'X-Fleet', name: 'MachineID', value: machineId },
  ];
  const res = await fetch(`${fleet.url}/fleet/v1/units/${encodeURIComponent(name)}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, desiredState: 'launched', options }) });
  if (res.status !== 201) throw new Error(`fleet answered ${res.status} to PUT ${name}: ${await res.text()}`);
  const deadline = Date.now() + 10_000;
  while (!fleet.states().some((s) => s.name === name && s.systemdActiveState === 'active')) {
    if (Date.now() > deadline) throw new Error(`${name} did not become active in the fleet fake`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
