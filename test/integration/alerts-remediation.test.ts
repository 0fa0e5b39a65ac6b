/**
 * Opt-in auto-remediation and the alert buttons, against the real Redis and etcd with the fleet fake
 * over HTTP and a real BullMQ worker running the jobs. The clock the alerts and remediation read is
 * injected (deps.now), so "held 5 min" and "60 s of grace" take no wall time; each case starts two
 * hours after the previous one, so the hourly cap of one case never leaks into the next.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { startBullmqWorker, type WorkerHandle } from '../../src/adapters/bullmq/bullmq-worker.js';
import { evaluateAlerts } from '../../src/alerts/evaluate-alerts.js';
import { ALERT_RULES } from '../../src/alerts/rules/index.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { handleAction } from '../../src/commands/handle-action.js';
import { handleCommand } from '../../src/commands/handle-command.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import type { AlertState } from '../../src/ports/alert-store.js';
import { startFleetFake, type FleetFake } from '../../tools/fleet-fake/index.js';
import { freePorts } from '../../tools/local-cluster/free-port.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import { createRecordingChat } from '../fakes/fake-stores.js';
import { uniqueName } from '../harness/unique.js';

const MIN = 60_000;
const until = <T>(check: () => Promise<T | false | undefined>, o: { timeoutMs: number; what: string }) => waitFor(o.what, check, { timeoutMs: o.timeoutMs });

describe('auto-remediation and alert buttons', () => {
  let fleet: FleetFake;
  let lostFleet: FleetFake;
  let deps: BuiltDeps;
  let worker: WorkerHandle;
  const chat = createRecordingChat();
  let clock = Date.now();
  let n = 0;

  beforeAll(async () => {
    const timings = { scheduleMs: 20, startMs: 100, stopMs: 30 };
    const machines = [{ name: 'w1', metadata: { role: 'worker' } }, { name: 'w2', metadata: { role: 'worker' } }];
    [fleet, lostFleet] = await Promise.all([startFleetFake({ machines, timings, tickMs: 20, containers: false }), startFleetFake({ machines, timings, tickMs: 20, containers: false })]);
    const [dead] = await freePorts(1);
    const fleetOf = (url: string) => `{ url: "${url}", pollMs: 25, scheduleTimeoutMs: 1500, startTimeoutMs: 1500, requestTimeoutMs: 1000 }`;
    const config = loadConfig({
      documents: [`
redis: { prefix: ${uniqueName('remediate')} }
jobs: { queue: ${uniqueName('q')} }
environments:
  local: { etcd: { endpoints: [${inject('etcd').endpoints.join(', ')}] }, fleet: ${fleetOf(fleet.url)} }
  lost: { etcd: { endpoints: ["http://127.0.0.1:${dead}"], probeTimeoutMs: 300 }, fleet: ${fleetOf(lostFleet.url)} }
channels:
  ops: { id: C0OPS, environment: local }
  lostops: { id: C0LOST, environment: lost }
acl:
  rules:
    - { name: alice, users: [alice], verbs: ['*'], channels: ['*'], environments: ['*'], allowYes: true }
    - { name: bob, users: [bob], verbs: ['*'], channels: [ops], environments: [local] }
alerts:
  rules:
    unit-not-running: { forMs: 0, remediate: { action: restart, after: 5m, grace: 60s } }
    machine-gone: { forMs: 0, remediate: { action: replace, after: 5m } }
  remediation: { maxPerHour: 2, environments: { local: { maxPerHour: 1 } } }
`],
      env: { DEVBOT_REDIS_URL: inject('redisUrl'), DEVBOT_SLACK_BOT_TOKEN: 'xoxb-remediate' },
    });
    deps = buildDeps(config, silentLogger());
    deps.chatFor = () => chat;
    deps.now = () => new Date(clock);
    worker = startBullmqWorker(deps);
    await evaluate(); // machines become known
  });

  afterAll(async () => {
    await worker?.close();
    await deps?.close();
    await Promise.all([fleet?.close(), lostFleet?.close()]);
  });

  beforeEach(() => {
    clock += 2 * 60 * MIN;
  });

  const evaluate = () => evaluateAlerts({ ...deps, rules: ALERT_RULES });
  const advance = async (ms: number) => {
    clock += ms;
    await evaluate();
  };
  const alertOf = async (key: string): Promise<AlertState | undefined> => (await deps.alertStore.load()).find((a) => a.key === key);
  const threadOf = async (key: string) => {
    const ts = (await alertOf(key))?.messages[0]?.ref.ts;
    return chat.messages.filter((m) => m.op === 'post' && ts !== undefined && m.threadTs === ts);
  };
  const threadText = async (key: string) => (await threadOf(key)).map((m) => m.message.text).join('\n');
  /** The announcement's Cancel button value (the attempt id), once announced. */
  const announced = async (key: string): Promise<string[]> =>
    (await threadOf(key)).flatMap((m) => JSON.stringify(m.message.blocks ?? []).match(/"action_id":"devbot_remediation_cancel","value":"([^"]+)"/)?.[1] ?? []);

  async function launchFailing(env: FleetFake, unit: string, times?: number): Promise<void> {
    env.injectFailure({ kind: 'start', unit, ...(times ? { times } : {}) });
    const body = { desiredState: 'launched', options: [{ section: 'Service', name: 'ExecStart', value: '/usr/bin/docker run team/remediate-me' }] };
    const put = await fetch(`${env.url}/fleet/v1/units/${unit}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(put.status).toBe(201);
    await until(async () => env.states().some((s) => s.name === unit && s.systemdActiveState === 'failed'), { timeoutMs: 10_000, what: `${unit} failed` });
  }
  async function remove(env: FleetFake, unit: string): Promise<void> {
    await fetch(`${env.url}/fleet/v1/units/${unit}`, { method: 'DELETE' });
  }
  /** Evaluates until the auto job of `attemptId` has ended and its outcome is in the thread. */
  async function runToOutcome(key: string, attemptId: string): Promise<string> {
    await deps.queue.waitUntilFinished(`auto-${attemptId}`, 30_000);
    await until(async () => {
      await evaluate();
      return /Auto-remediation .*\(job `?auto-/.test(await threadText(key)) && !(await deps.remediation!.active('local'));
    }, { timeoutMs: 20_000, what: 'the outcome in the thread' });
    return threadText(key);
  }
  const autoAudit = async (jobId: string) => (await deps.audit.latest({ user: 'devbot (auto)', limit: 50 })).filter((e) => e.jobId === jobId);

  it('unit-not-running held for `after` → announced with Cancel → grace → restarted as devbot (auto) at fleet, outcome in the thread', async () => {
    const unit = 'auto-restart.service';
    const key = `local/unit-not-running/${unit}`;
    await launchFailing(fleet, unit, 1);
    await evaluate();
    expect((await alertOf(key))?.status).toBe('firing');
    await advance(4 * MIN);
    expect(await announced(key)).toEqual([]);
    await advance(1 * MIN + 1000);
    const [attempt] = await announced(key);
    expect(attempt).toBeDefined();
    expect(await threadText(key)).toMatch(new RegExp(`devbot will run /dev units restart ${unit} --env local \\(Restart unit\\) at .* in 60 s, unless someone presses Cancel`));
    const before = fleet.transitions().length;

    await advance(30_000); // still in grace
    expect(await deps.queue.get(`auto-${attempt}`)).toBeUndefined();
    await advance(31_000);
    const job = await deps.queue.get(`auto-${attempt}`);
    expect(job?.data).toMatchObject({ text: `units restart ${unit} --env local`, requestedBy: { user: 'devbot (auto)' }, lockTarget: `unit/${unit}@local` });
    expect((await autoAudit(`auto-${attempt}`)).find((e) => e.event === 'command')).toMatchObject({ rule: 'alerts.rules.unit-not-running.remediate', decision: 'allowed' });

    const thread = await runToOutcome(key, attempt!);
    expect(thread).toMatch(new RegExp(`Auto-remediation /dev units restart ${unit} --env local \\(job auto-${attempt}\\) succeeded: ${unit.replace('.', '\\.')} restarted: active on`));
    const seen = fleet.transitions().slice(before).filter((t) => t.unit === unit).map((t) => t.state);
    expect(seen.some((s) => s.startsWith('active')), JSON.stringify(seen)).toBe(true);
    await until(async () => (await evaluate(), (await alertOf(key))?.status === 'resolved'), { timeoutMs: 10_000, what: 'the alert resolved' });
    await remove(fleet, unit);
  });

  it('machine-gone held 5 min (injected clock) → announced → grace → `replace <its IP> --env local` queued as devbot (auto) with the machine lock', async () => {
    await evaluate(); // machines are remembered for an hour; this case starts two hours on
    const gone = fleet.machines[1]!;
    fleet.removeMachine(gone.id);
    await evaluate();
    const key = `local/machine-gone/${gone.id.slice(0, 12)}`;
    const alert = await alertOf(key);
    expect(alert?.command).toEqual({ label: 'Replace machine', text: `replace ${gone.ip} --env local` });
    await advance(5 * MIN);
    const [attempt] = await announced(key);
    expect(await threadText(key)).toContain(`devbot will run /dev replace ${gone.ip} --env local (Replace machine)`);
    await advance(60_000);
    const job = await deps.queue.get(`auto-${attempt}`);
    expect(job?.data).toMatchObject({ kind: 'replace', text: `replace ${gone.ip} --env local`, requestedBy: { user: 'devbot (auto)' }, lockTarget: 'machine@local' });
    expect((await autoAudit(`auto-${attempt}`)).find((e) => e.event === 'command')?.rule).toBe('alerts.rules.machine-gone.remediate');
    // No AWS here, so the replacement itself fails, and the thread says so.
    expect(await runToOutcome(key, attempt!)).toMatch(new RegExp(`Auto-remediation /dev replace ${gone.ip} --env local \\(job auto-${attempt}\\) failed: .*failed attempt 1 of 2`));
    fleet.addMachine({ name: 'w2', metadata: { role: 'worker' } });
    await evaluate();
  });

  it('Cancel during the grace period: a stranger is refused, a teammate stops it, nothing runs, and it is not announced again', async () => {
    const unit = 'auto-cancel.service';
    const key = `local/unit-not-running/${unit}`;
    await launchFailing(fleet, unit);
    await evaluate();
    await advance(5 * MIN);
    const [attempt] = await announced(key);
    const click = (user: string) => handleAction({ action: 'cancel-remediation', value: attempt!, user, channel: 'C0OPS', channelName: 'ops', transport: { kind: 'slack' }, requestId: `cancel-${user}-${++n}` }, deps);
    const refused = await click('mallory');
    expect(refused.outcome).toBe('denied');
    expect(refused.text).toMatch(/Only someone allowed to run `units` or `remediation` here may cancel this/);
    expect(await click('bob')).toMatchObject({ outcome: 'answered', text: 'Cancelled: nothing was done.' });
    const closed = chat.messages.filter((m) => m.op === 'update' && /cancelled by bob during the grace period\. Nothing was done/.test(m.message.text));
    expect(closed).toHaveLength(1);
    await advance(61_000);
    await advance(10 * MIN);
    expect(await deps.queue.get(`auto-${attempt}`)).toBeUndefined();
    expect(await announced(key)).toHaveLength(1);
    const audited = await deps.audit.latest({ target: unit, limit: 20 });
    expect(audited.map((e) => [e.event, e.user])).toEqual(expect.arrayContaining([['remediation_cancelled', 'bob'], ['denied', 'mallory'], ['remediation_announced', 'devbot (auto)']]));
    await remove(fleet, unit);
    await evaluate();
  });

  it('the hourly cap (maxPerHour: 1 in local): a second alert waits, says why once, and acts once the hour has passed', async () => {
    const [first, second] = ['auto-cap-a.service', 'auto-cap-b.service'];
    await launchFailing(fleet, first, 1);
    await evaluate();
    await advance(5 * MIN);
    const [a] = await announced(`local/unit-not-running/${first}`);
    await advance(60_000);
    await runToOutcome(`local/unit-not-running/${first}`, a!);

    await launchFailing(fleet, second, 1);
    const key = `local/unit-not-running/${second}`;
    await evaluate();
    await advance(5 * MIN);
    await advance(MIN);
    expect(await announced(key)).toEqual([]);
    const waiting = (await threadText(key)).match(/is waiting: 1 automatic action already started in local in the last hour \(maxPerHour: 1\)/g);
    expect(waiting).toHaveLength(1);
    await advance(60 * MIN);
    const [b] = await announced(key);
    expect(b).toBeDefined();
    await advance(60_000);
    expect(await runToOutcome(key, b!)).toMatch(/succeeded/);
    await Promise.all([remove(fleet, first), remove(fleet, second)]);
    await evaluate();
  });

  it('pause and resume: audited, shown in /dev status, and nothing is announced while paused', async () => {
    const say = (text: string) => handleCommand({ text, user: 'alice', channel: 'C0OPS', channelName: 'ops', transport: { kind: 'slack' }, requestId: `pause-${++n}` }, deps);
    expect((await say('remediation pause --env local')).text).toMatch(/^:double_vertical_bar: Auto-remediation paused in local by <@alice>/);
    const status = await say('status --env local');
    await deps.queue.waitUntilFinished(status.jobId!, 30_000);
    const ts = (await deps.jobState.load(status.jobId!))?.message?.ts;
    const report = chat.messages.filter((m) => m.ts === ts && m.op !== 'ephemeral').at(-1)?.message;
    expect(JSON.stringify(report?.blocks ?? report?.text)).toMatch(/remediation.*paused.*by alice at \d\d:\d\d:\d\d UTC: no automatic action starts/);

    const unit = 'auto-paused.service';
    const key = `local/unit-not-running/${unit}`;
    await launchFailing(fleet, unit, 1);
    await evaluate();
    await advance(6 * MIN);
    expect(await announced(key)).toEqual([]);
    expect(await threadText(key)).toMatch(/is waiting: auto-remediation is paused in local \(by alice at/);

    expect((await say('remediation resume --env local')).text).toMatch(/^:arrow_forward: Auto-remediation resumed in local by <@alice>/);
    await advance(1000);
    const [attempt] = await announced(key);
    expect(attempt).toBeDefined();
    const audited = (await deps.audit.latest({ user: 'alice', limit: 20 })).map((e) => e.text);
    expect(audited).toEqual(expect.arrayContaining(['remediation pause --env local', 'remediation resume --env local']));
    await advance(60_000);
    await runToOutcome(key, attempt!);
    await remove(fleet, unit);
    await evaluate();
  });

  it('no action while etcd has no quorum: the alert fires, the thread says why, nothing is announced', async () => {
    const unit = 'auto-noquorum.service';
    const key = `lost/unit-not-running/${unit}`;
    await launchFailing(lostFleet, unit);
    await evaluate();
    await advance(10 * MIN);
    await advance(10 * MIN);
    expect((await alertOf(key))?.status).toBe('firing');
    expect(await announced(key)).toEqual([]);
    expect(await threadText(key)).toMatch(/is waiting: etcd in lost has no quorum: devbot does not act by itself until it is back/);
    expect(await deps.remediation!.active('lost')).toBeUndefined();
    await remove(lostFleet, unit);
  });

  it('two failed attempts: devbot gives up on the alert, says so loudly, and does not try a third time', async () => {
    const unit = 'auto-hopeless.service';
    const key = `local/unit-not-running/${unit}`;
    await launchFailing(fleet, unit); // every start fails
    await evaluate();
    await advance(5 * MIN);
    const [first] = await announced(key);
    await advance(60_000);
    expect(await runToOutcome(key, first!)).toMatch(/failed: .*\(failed attempt 1 of 2\)\. devbot will try again if the alert still fires\./);
    await advance(61 * MIN); // past the hourly cap, and `after` again since the last attempt
    const ids = await announced(key);
    expect(ids).toHaveLength(2);
    await advance(60_000);
    const thread = await runToOutcome(key, ids[1]!);
    expect(thread).toMatch(/failed attempt 2 of 2\)\.\n:rotating_light: @here devbot gave up on local\/unit-not-running\/auto-hopeless\.service after 2 failed attempts/);
    await advance(61 * MIN);
    await advance(61 * MIN);
    expect(await announced(key)).toHaveLength(2);
    await remove(fleet, unit);
    await evaluate();
  });

  it('two evaluators at once start one remediation, not two', async () => {
    const unit = 'auto-twice.service';
    const key = `local/unit-not-running/${unit}`;
    await launchFailing(fleet, unit, 1);
    await evaluate();
    clock += 5 * MIN;
    await Promise.all([evaluate(), evaluate(), evaluate()]);
    const ids = await announced(key);
    expect(ids).toHaveLength(1);
    clock += 60_000;
    await Promise.all([evaluate(), evaluate(), evaluate()]);
    const jobs = (await deps.queue.list({ all: true, limit: 200 })).filter((j) => j.data.requestedBy.user === 'devbot (auto)' && j.text.includes(unit));
    expect(jobs.map((j) => j.id)).toEqual([`auto-${ids[0]}`]);
    await runToOutcome(key, ids[0]!);
    expect((await threadText(key)).match(/succeeded/g), await threadText(key)).toHaveLength(1);
    await remove(fleet, unit);
    await evaluate();
  });

  it('an alert button runs as the clicker: the ACL refuses a stranger, and the thread records who acted and how the job ended', async () => {
    const unit = 'clicked-alert.service';
    const key = `local/unit-not-running/${unit}`;
    await launchFailing(fleet, unit, 1);
    await evaluate();
    const alert = (await alertOf(key))!;
    const ts = alert.messages[0]!.ref.ts;
    const buttons = JSON.stringify(chat.messages.find((m) => m.op === 'post' && m.ts === ts)?.message.blocks);
    expect(buttons).toContain(`"action_id":"devbot_silence","value":"silence ${key} 1h"`);
    const click = (user: string, value: string) => handleAction({ action: 'command', value, user, channel: 'C0OPS', channelName: 'ops', transport: { kind: 'slack' }, requestId: `click-${user}-${++n}`, messageTs: ts }, deps);
    const refused = await click('mallory', alert.command!.text);
    expect(refused.outcome).toBe('denied');
    expect(await threadText(key)).not.toMatch(/mallory/);
    const clicked = await click('bob', alert.command!.text);
    expect(clicked.outcome, clicked.text).toBe('queued');
    expect(await threadText(key)).toMatch(new RegExp(`bob pressed Restart unit \\(/dev units restart ${unit} --env local\\): Queued as job`));
    await deps.queue.waitUntilFinished(clicked.jobId!, 30_000);
    await until(async () => (await evaluate(), /started by bob\) succeeded/.test(await threadText(key))), { timeoutMs: 20_000, what: 'the outcome in the thread' });
    expect(await threadText(key)).toMatch(new RegExp(`/dev units restart ${unit} --env local \\(job ${clicked.jobId}, started by bob\\) succeeded: `));
    expect((await click('bob', `silence ${key} 1h`)).text).toMatch(/^Silenced/);
    expect(await threadText(key)).toMatch(/bob pressed Silence 1h/);
    await remove(fleet, unit);
    await evaluate();
  });
});
