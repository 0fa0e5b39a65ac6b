/**
 * The README's Socket Mode: `devbot serve` + `devbot worker` with DEVBOT_SLACK_APP_TOKEN set and no
 * public port, Slack reached only at the wire: the Web API fake answers `apps.connections.open`
 * with the Socket Mode fake's URL, and commands, clicks and events arrive as envelopes on that
 * WebSocket. Every envelope must be acked within Slack's 3 s, a redelivered one must not run twice,
 * and a refreshed or cut connection must come back in time for the next command.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeSlackApi, type FakeSlackApi, type RecordedCall } from '../fakes/slack-api.js';
import { blockActionsPayload, eventCallbackBody } from '../fakes/slack-signing.js';
import { SOCKET_ACK_DEADLINE_MS, startSocketModeFake, type Envelope, type SendOptions, type SocketModeFake } from '../fakes/socket-mode-fake.js';
import { freePorts } from '../../tools/local-cluster/free-port.js';
import { messageTs, waitForText } from './support/channel-messages.js';
import { slackEnv, startShipped, type Shipped } from './support/shipped-devbot.js';
import { userConfigYaml } from './support/user-config.js';
import type { DevbotProcess } from '../harness/devbot-processes.js';
import type { SlackPlace } from './support/slack-user.js';

const APP_TOKEN = 'xapp-1-A0DEVBOT-1-acceptance';
const alice: SlackPlace = { userId: 'U0ALICE', channelId: 'C0OPS', channelName: 'ops' };
const aliceInLab: SlackPlace = { userId: 'U0ALICE', channelId: 'C0LAB', channelName: 'lab' };
/** A finished status report of prod (its message first says "running", then is updated in place). */
const PROD_REPORT = /^Status of prod(?! — running)/;
/** Slack asks for a reconnect within this long (the bound for the next command). */
const RECONNECT_MS = 5_000;

describe('acceptance: Socket Mode through devbot serve and devbot worker', () => {
  let slack: FakeSlackApi;
  let socket: SocketModeFake;
  let shipped: Shipped;
  let serve: DevbotProcess;
  let seq = 0;

  /** `/dev <text>` typed in Slack, arriving as a slash_commands envelope. */
  const command = (place: SlackPlace, text: string, opts?: SendOptions): Envelope =>
    socket.slashCommand({ user_id: place.userId, user_name: place.userId.toLowerCase(), channel_id: place.channelId, channel_name: place.channelName, text, response_url: slack.responseUrl(`socket-${++seq}`) }, opts);
  const ackText = async (envelope: Envelope, timeoutMs?: number): Promise<string> => String((await socket.waitForAck(envelope, timeoutMs)).payload?.['text'] ?? '');
  /** Each delivery of the envelope was acked (lost in transit or not) within Slack's deadline. */
  const expectAckedInTime = (envelope: Envelope): void => {
    expect(envelope.deliveries.length).toBeGreaterThan(0);
    for (const d of envelope.deliveries) {
      const ack = envelope.acks.find((a) => a.attempt === d.attempt);
      expect(ack, `ack of delivery ${d.attempt} of ${JSON.stringify({ ...envelope, payload: undefined })}`).toBeDefined();
      expect(ack!.at - d.sentAt).toBeLessThan(SOCKET_ACK_DEADLINE_MS);
    }
  };

  beforeAll(async () => {
    socket = await startSocketModeFake();
    slack = await startFakeSlackApi({ connectionsOpen: () => socket.connectionsOpen() });
    // What a Socket Mode deployment sets: the app token instead of a signing secret, and no public port.
    const env: Record<string, string> = { ...slackEnv(inject('redisUrl'), slack.url), DEVBOT_SLACK_APP_TOKEN: APP_TOKEN };
    delete env['DEVBOT_SLACK_SIGNING_SECRET'];
    shipped = startShipped('socket-mode', env);
    const config = shipped.writeConfig('devbot', userConfigYaml({
      name: 'socket',
      etcd: inject('etcd').endpoints,
      environments: `
  prod:
    etcd:
      endpoints: [${inject('etcd').endpoints.join(', ')}]
  lab:
    etcd:
      # Nothing listens here: lab's etcd is down, so its alert fires with a Status button.
      endpoints: [http://127.0.0.1:${(await freePorts(1))[0]}]`,
      channels: `
  ops:
    id: C0OPS
    environment: prod
  lab:
    id: C0LAB
    environment: lab`,
      acl: `
  groups:
    sre: [U0ALICE]
  rules:
    - name: sre-everything
      groups: [sre]
      verbs: ['*']
      channels: [ops, lab]
      environments: [prod, lab]`,
    }));
    serve = await shipped.serve('serve', config);
    await shipped.worker('worker', config);
  });

  afterAll(async () => {
    await shipped?.stop();
    await socket?.close();
    await slack?.close();
  });

  it('connects with the app token: apps.connections.open, then hello on the socket it returned', async () => {
    const first = await socket.waitForConnections(1);
    expect(first.closedAt).toBeUndefined();
    const open = slack.callsTo('apps.connections.open');
    expect(open.length).toBeGreaterThanOrEqual(1);
    expect(open.every((c) => c.authorized && c.status === 200 && !c.error)).toBe(true);
  });

  it('a command over Socket Mode is acked within 3 s and becomes exactly one job, though Slack redelivers its envelope', async () => {
    const since = Date.now();
    const envelope = command(alice, 'status', { loseAcks: 1 });
    const redelivered = await socket.waitForDeliveries(envelope, 2, 15_000);
    expect(redelivered.attempt).toBe(1);
    const second = await ackText(envelope);
    const first = String(envelope.acks[0]?.payload?.['text']);
    const jobId = /^Queued as job (status-[0-9a-f]+)\.$/.exec(first)?.[1];
    expect(jobId, `first ack: ${first}`).toBeDefined();
    expect(second).toBe(`Already queued as job ${jobId}.`);
    expectAckedInTime(envelope);

    const report = await waitForText(slack, 'C0OPS', PROD_REPORT, 20_000, since);
    expect(String(report.params['text'])).toMatch(/quorum/i);
    // Both deliveries were handled by now (both acked): a second job would be listed.
    const listed = await ackText(command(alice, 'jobs --all'));
    expect(listed.match(/status-[0-9a-f]+/g)?.filter((id) => id === jobId)).toHaveLength(1);
    expect(listed.match(/status-[0-9a-f]+/g)).toHaveLength(1);
    expect(reportsSince(slack, 'C0OPS', since)).toHaveLength(1);
  });

  it.each(['refresh_requested', 'warning'] as const)('after a disconnect (%s) devbot reconnects and the next command works within 5 s', async (reason) => {
    const before = socket.connections.length;
    const old = socket.connections[before - 1]!;
    const at = Date.now();
    socket.disconnect(reason);
    const envelope = command(alice, 'status');
    const ack = await socket.waitForAck(envelope, 15_000);
    expect(ack.at - at).toBeLessThan(RECONNECT_MS);
    expect(ack.connection).toBeGreaterThan(old.id);
    expect(String(ack.payload?.['text'])).toMatch(/^Queued as job status-/);
    expectAckedInTime(envelope);
    // devbot closed the retired connection itself (Slack would cut it later).
    expect(old.closedBy).toBe('client');
    await waitForText(slack, 'C0OPS', PROD_REPORT, 20_000, at);
  });

  it('after the server drops the socket devbot reconnects and the next command works within 5 s', async () => {
    const old = socket.connections.at(-1)!;
    const at = Date.now();
    socket.drop();
    const envelope = command(alice, 'status');
    const ack = await socket.waitForAck(envelope, 15_000);
    expect(ack.at - at).toBeLessThan(RECONNECT_MS);
    expect(ack.connection).toBeGreaterThan(old.id);
    expect(old.closedBy).toBe('dropped');
    expect(String(ack.payload?.['text'])).toMatch(/^Queued as job status-/);
    expectAckedInTime(envelope);
    await waitForText(slack, 'C0OPS', PROD_REPORT, 20_000, at);
  });

  it('when apps.connections.open fails during a reconnect devbot retries at once with backoff, and the next command works within 5 s', async () => {
    const old = socket.connections.at(-1)!;
    const at = Date.now();
    slack.failNext('apps.connections.open', { error: 'internal_error' });
    slack.failNext('apps.connections.open', { error: 'internal_error' });
    socket.drop();
    const envelope = command(alice, 'status');
    const ack = await socket.waitForAck(envelope, 15_000);
    expect(ack.at - at).toBeLessThan(RECONNECT_MS);
    const tries = slack.callsTo('apps.connections.open').filter((c) => c.receivedAt >= at);
    expect(tries.map((c) => c.error ?? 'ok')).toEqual(['internal_error', 'internal_error', 'ok']);
    expect(ack.connection).toBe(old.id + 1);
    expectAckedInTime(envelope);
  });

  it("a button click (an alert's Status button) arrives as an interactive envelope, is acked within 3 s and runs", async () => {
    const alert = await waitForText(slack, 'C0LAB', /^CRITICAL: etcd in lab/, 20_000);
    const status = buttonOf(alert, 'Status');
    const since = Date.now();
    const click = socket.send('interactive', blockActionsPayload({
      ...aliceInLab, actionId: status.action_id, value: status.value, messageTs: messageTs(alert), responseUrl: slack.responseUrl('status-click'),
    }));
    await socket.waitForAck(click);
    expectAckedInTime(click);
    const report = await waitForText(slack, 'C0LAB', /^Status of lab(?! — running)/, 20_000, since);
    expect(String(report.params['text'])).toMatch(/unreachable|down|no quorum|lost/i);
  });

  it('a mention over events_api runs once, though Slack redelivers it', async () => {
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
    const body = eventCallbackBody({ type: 'app_mention', user: 'U0ALICE', channel: 'C0OPS', ts, text: '<@U0DEVBOT> status', client_msg_id: randomBytes(8).toString('hex') });
    const envelope = socket.send('events_api', body, { loseAcks: 1 });
    await socket.waitForDeliveries(envelope, 2, 15_000);
    await socket.waitForAck(envelope);
    expectAckedInTime(envelope);
    await shipped.group.waitForLog(serve, 'Slack event already handled (redelivery or duplicate)', 15_000);
    const inThread = slack.callsTo('chat.postMessage').filter((c) => c.params['thread_ts'] === ts).map((c) => String(c.params['text']));
    expect(inThread.filter((t) => /^Queued as job status-/.test(t)), inThread.join('\n')).toHaveLength(1);
    expect(new Set(inThread.flatMap((t) => t.match(/status-[0-9a-f]+/g) ?? [])).size, inThread.join('\n')).toBe(1);
  });

  it('every envelope of this file was acked within 3 s of each delivery', () => {
    expect(socket.envelopes.length).toBeGreaterThan(5);
    for (const envelope of socket.envelopes) expectAckedInTime(envelope);
  });
});

/** The messages (by ts: a post and its in-place updates are one) in `channel` since `since` that are a status report of prod. */
function reportsSince(slack: FakeSlackApi, channel: string, since: number): string[] {
  const shown = slack.calls.filter((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.receivedAt >= since && c.params['channel'] === channel && /^Status of prod/.test(String(c.params['text'])));
  return [...new Set(shown.map((c) => messageTs(c) ?? '?'))];
}

/** A button of a message as devbot rendered it, found by its label. */
function buttonOf(call: RecordedCall, label: string): { action_id: string; value: string } {
  const blocks = (call.params['blocks'] ?? []) as Array<{ elements?: Array<{ type: string; action_id?: string; value?: string; text?: { text?: string } }> }>;
  const button = blocks.flatMap((b) => b.elements ?? []).find((e) => e.type === 'button' && e.text?.text === label);
  if (!button?.action_id || button.value === undefined) throw new Error(`no ${label} button in: ${JSON.stringify(blocks)}`);
  return { action_id: button.action_id, value: button.value };
}
