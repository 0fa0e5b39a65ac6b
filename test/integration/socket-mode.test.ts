/**
 * devbot's Slack app in Socket Mode, in this process, against the Socket Mode fake and the Web API
 * fake: the cases the shipped-process suite (test/acceptance/socket-mode.acceptance.test.ts) cannot
 * set up from outside — a handleCommand slower than Slack's ack deadline, and stop() in the middle
 * of a reconnect.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackApp } from '../../src/adapters/slack/slack-app.js';
import { WORKING_TEXT } from '../../src/adapters/slack/slash-command.js';
import type { CommandInput, CommandReply } from '../../src/commands/types.js';
import { silentLogger } from '../../src/log.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { SOCKET_ACK_DEADLINE_MS, startSocketModeFake, type SocketModeFake } from '../fakes/socket-mode-fake.js';

const BOT_TOKEN = 'xoxb-socket-test';
const APP_TOKEN = 'xapp-1-A0DEVBOT-1-socket-test';

describe('Slack app in Socket Mode', () => {
  let socket: SocketModeFake;
  let api: FakeSlackApi;
  let app: SlackApp | undefined;

  const start = async (handleCommand: (input: CommandInput) => Promise<CommandReply>): Promise<SlackApp> => {
    socket = await startSocketModeFake();
    api = await startFakeSlackApi({ connectionsOpen: () => socket.connectionsOpen() });
    app = await createSlackApp({ config: { slack: { port: 0, botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: api.url } }, log: silentLogger(), handleCommand });
    await app.start();
    return app;
  };

  afterEach(async () => {
    await app?.stop();
    app = undefined;
    await socket?.close();
    await api?.close();
  });

  it('a command slower than the deadline is acked "Working on it…" within 3 s, and its reply goes to response_url', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    await start(async () => {
      await released;
      return { text: 'done at last', outcome: 'answered' };
    });
    const envelope = socket.slashCommand({ text: 'status', response_url: api.responseUrl('slow') });
    const ack = await socket.waitForAck(envelope, 10_000);
    expect(ack.payload?.['text']).toBe(WORKING_TEXT);
    expect(ack.at - envelope.deliveries[0]!.sentAt).toBeLessThan(SOCKET_ACK_DEADLINE_MS);
    release();
    const reply = await api.waitForCall('response_url', (c) => c.responseId === 'slow', 10_000);
    expect(reply.params['text']).toBe('done at last');
    // Acked in time, so Slack never sent it again.
    expect(envelope.deliveries).toHaveLength(1);
  });

  it('stop() closes the connection, and a close after stop() is not followed by a reconnect', async () => {
    await start(async () => ({ text: 'ok', outcome: 'answered' }));
    const first = await socket.waitForConnections(1);
    await app!.stop();
    await socket.waitForClose(first);
    expect(first.closedBy).toBe('client');
    // A reconnect would call apps.connections.open again: give it the time a reconnect takes here (well under 1 s).
    const opens = api.callsTo('apps.connections.open').length;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(api.callsTo('apps.connections.open')).toHaveLength(opens);
    expect(socket.connections).toHaveLength(1);
  });

  it('stop() during a reconnect backoff makes no further attempt', async () => {
    await start(async () => ({ text: 'ok', outcome: 'answered' }));
    api.failNext('apps.connections.open', { error: 'internal_error' });
    const dropAt = Date.now();
    socket.drop();
    // The immediate attempt fails; the next would come 0.5 s later.
    await api.waitForCall('apps.connections.open', (c) => c.receivedAt >= dropAt && c.error === 'internal_error', 5_000);
    await app!.stop();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(api.callsTo('apps.connections.open').filter((c) => c.receivedAt >= dropAt)).toHaveLength(1);
    expect(socket.connections).toHaveLength(1);
  });
});
