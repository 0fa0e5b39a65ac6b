/**
 * Slack at the wire: signed slash commands into the real Bolt receiver, Web API calls into a local
 * fake. handleCommand is a recording stub; everything between it and the socket is real.
 */
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackApp } from '../../src/adapters/slack/slack-app.js';
import { createSlackChat } from '../../src/adapters/slack/slack-chat.js';
import { WORKING_TEXT } from '../../src/adapters/slack/slash-command.js';
import { createWebClient, normaliseSlackApiUrl } from '../../src/adapters/slack/web-client.js';
import type { CommandInput, CommandReply } from '../../src/commands/types.js';
import { ConfigError, UpstreamError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { postSlashCommand } from '../fakes/slack-signing.js';

const SECRET = 'wire-test-signing-secret';
const TOKEN = 'xoxb-wire-test-token-123';

/** A pino logger writing into memory, so tests can look at what was logged (and what was not). */
function memoryLogger() {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  return { log, lines };
}

type Behaviour = (input: CommandInput) => Promise<CommandReply>;
const answered = (text: string): Behaviour => async () => ({ text, outcome: 'answered' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Slack wire', () => {
  let fake: FakeSlackApi;
  let slack: SlackApp;
  let eventsUrl: string;
  let origin: string;
  const logs = memoryLogger();
  const received: CommandInput[] = [];
  let behaviour: Behaviour = answered('ok');

  beforeAll(async () => {
    fake = await startFakeSlackApi();
    slack = await createSlackApp({
      config: { slack: { port: 0, botToken: TOKEN, signingSecret: SECRET, apiUrl: fake.url } },
      log: logs.log,
      handleCommand: (input) => {
        received.push(input);
        return behaviour(input);
      },
      routes: [{ path: '/healthz', method: 'GET', handler: (_req, res) => void res.writeHead(200).end('ok') }],
    });
    await slack.start();
    origin = `http://127.0.0.1:${slack.port()}`;
    eventsUrl = `${origin}/slack/events`;
  });

  afterAll(async () => {
    await slack?.stop();
    await fake?.close();
  });

  afterEach(() => {
    received.length = 0;
    behaviour = answered('ok');
  });

  describe('startup', () => {
    it('binds a free port and checks the token with auth.test, Bearer header present', async () => {
      expect(slack.port()).toBeGreaterThan(0);
      const [authTest] = fake.callsTo('auth.test');
      expect(authTest).toMatchObject({ authorized: true, status: 200 });
      expect(fake.callsTo('auth.test')).toHaveLength(1); // cached by Bolt, not repeated per request
    });

    it('serves custom routes next to /slack/events; unknown paths get 404', async () => {
      const health = await fetch(`${origin}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.text()).toBe('ok');
      expect((await fetch(`${origin}/nope`)).status).toBe(404);
    });
  });

  describe('slash command', () => {
    it('acks a signed `/dev status` with the reply, ephemeral', async () => {
      behaviour = answered('status: all good');
      const res = await postSlashCommand(eventsUrl, SECRET, {
        text: 'status', user_id: 'U_ALICE', channel_id: 'C_OPS', channel_name: 'ops', trigger_id: 'trig-1',
      });
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ response_type: 'ephemeral', text: 'status: all good' });
      expect(received).toEqual([
        // The response_url rides along: a job whose channel refuses devbot answers its requester there.
        { text: 'status', user: 'U_ALICE', channel: 'C_OPS', channelName: 'ops', transport: { kind: 'slack' }, requestId: 'trig-1', responseUrl: 'https://hooks.slack.com/commands/T0000001/1/unused' },
      ]);
    });

    it('passes blocks through in the ack', async () => {
      const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }];
      behaviour = async () => ({ text: 'hi', blocks, outcome: 'answered' });
      const res = await postSlashCommand(eventsUrl, SECRET, { text: 'help' });
      expect(res.json()).toEqual({ response_type: 'ephemeral', text: 'hi', blocks });
    });

    it.each([
      ['a bad signature', { badSignature: true }],
      ['a stale timestamp (6 min old)', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }],
      ['missing signature headers', { omitHeaders: true }],
    ])('rejects %s with 401 and never calls handleCommand', async (_what, opts) => {
      const res = await postSlashCommand(eventsUrl, SECRET, { text: 'status' }, opts);
      expect(res.status).toBe(401);
      expect(received).toHaveLength(0);
    });

    it('hands a Slack retry to handleCommand with the same requestId (the queue dedupes)', async () => {
      const first = await postSlashCommand(eventsUrl, SECRET, { text: 'status', trigger_id: 'trig-retry' });
      const retry = await postSlashCommand(eventsUrl, SECRET, { text: 'status', trigger_id: 'trig-retry' }, { retryNum: 1 });
      expect([first.status, retry.status]).toEqual([200, 200]);
      expect(received.map((i) => i.requestId)).toEqual(['trig-retry', 'trig-retry']);
    });

    it('acks "Working on it…" before 3 s when handleCommand is slow, then replies via response_url', async () => {
      behaviour = async () => {
        await sleep(2_500);
        return { text: 'slow but done', outcome: 'answered' };
      };
      const started = Date.now();
      const res = await postSlashCommand(eventsUrl, SECRET, { text: 'status', response_url: fake.responseUrl('slow-1') });
      const ackMs = Date.now() - started;
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ response_type: 'ephemeral', text: WORKING_TEXT });
      expect(ackMs).toBeLessThan(2_900);
      const late = await fake.waitForCall('response_url', (c) => c.responseId === 'slow-1', 5_000);
      expect(late.params).toEqual({ response_type: 'ephemeral', text: 'slow but done' });
      expect(late.contentType).toContain('application/json');
    }, 10_000);

    it('answers a slash command other than /dev with a hint instead of letting Slack time out', async () => {
      const res = await postSlashCommand(eventsUrl, SECRET, { command: '/devbot', text: 'status' });
      expect(res.status).toBe(200);
      expect((res.json() as { text: string }).text).toContain('devbot answers /dev, not /devbot');
      expect(received).toHaveLength(0);
    });

    it('acks a generic "internal error, ref <id>" when handleCommand throws, and logs the error with that ref', async () => {
      behaviour = async () => {
        throw new Error('boom in handleCommand');
      };
      const res = await postSlashCommand(eventsUrl, SECRET, { text: 'status' });
      expect(res.status).toBe(200);
      const { text } = res.json() as { text: string };
      const ref = /internal error, ref ([0-9a-f]{8})/.exec(text)?.[1];
      expect(ref).toBeDefined();
      expect(text).not.toContain('boom');
      const logged = logs.lines.find((l) => l.includes(`"ref":"${ref}"`));
      expect(logged).toContain('boom in handleCommand');
    });
  });

  describe('slack-chat against the fake Web API', () => {
    const chat = () => createSlackChat({ client: createWebClient({ token: TOKEN, apiUrl: fake.url, log: logs.log }), log: logs.log });

    it('posts, updates and posts ephemerally with the right channel, ts and text', async () => {
      const c = chat();
      const ref = await c.post('C_OPS', { text: 'deploying', blocks: [{ type: 'divider' }] });
      expect(ref.channel).toBe('C_OPS');
      const threaded = await c.post('C_OPS', { text: 'step 1' }, { threadTs: ref.ts });
      expect(Number(threaded.ts)).toBeGreaterThan(Number(ref.ts));
      await c.update(ref, { text: 'deployed' });
      await c.postEphemeral('C_OPS', 'U_ALICE', { text: 'only you' });

      const posts = fake.callsTo('chat.postMessage').filter((x) => x.params['channel'] === 'C_OPS');
      expect(posts.map((p) => p.params)).toEqual(
        expect.arrayContaining([
          { channel: 'C_OPS', text: 'deploying', blocks: [{ type: 'divider' }] },
          { channel: 'C_OPS', text: 'step 1', thread_ts: ref.ts },
        ]),
      );
      expect(fake.callsTo('chat.update').at(-1)).toMatchObject({ authorized: true, params: { channel: 'C_OPS', ts: ref.ts, text: 'deployed' } });
      expect(fake.callsTo('chat.postEphemeral').at(-1)?.params).toEqual({ channel: 'C_OPS', user: 'U_ALICE', text: 'only you' });
      expect(fake.calls.filter((x) => x.method !== 'response_url').every((x) => x.authorized)).toBe(true);
    });

    it('honours a 429 Retry-After: waits, retries, and the message lands', async () => {
      fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
      const started = Date.now();
      const ref = await chat().post('C_RATE', { text: 'after the limit' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
      const attempts = fake.callsTo('chat.postMessage').filter((x) => x.params['channel'] === 'C_RATE');
      expect(attempts.map((a) => a.status)).toEqual([429, 200]);
      expect(ref.ts).toBeTruthy();
      expect(logs.lines.some((l) => l.includes('Retry-After') && l.includes('"retryAfterSec":1'))).toBe(true);
    });

    it('turns channel_not_found into a non-retryable UpstreamError with a clear message', async () => {
      fake.failNext('chat.postMessage', { error: 'channel_not_found' });
      const err = await chat().post('C_GONE', { text: 'x' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect(err).toMatchObject({ message: 'while posting to Slack: channel_not_found', service: 'slack', retryable: false });
    });

    it('logs which call failed and why, never the token, when Slack refuses it or rate-limits', async () => {
      const own = memoryLogger();
      const c = createSlackChat({ client: createWebClient({ token: TOKEN, apiUrl: fake.url, log: own.log }), log: own.log });
      fake.failNext('chat.postMessage', { error: 'invalid_auth' });
      fake.failNext('chat.update', { status: 429, retryAfter: 0 });
      fake.failNext('chat.update', { error: 'token_revoked' });
      await expect(c.post('C_AUTH', { text: 'x' })).rejects.toThrow('while posting to Slack: invalid_auth');
      await expect(c.update({ channel: 'C_AUTH', ts: '1.000001' }, { text: 'y' })).rejects.toThrow('while posting to Slack: token_revoked');
      const failed = own.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e['msg'] === 'Slack call failed');
      expect(failed.map((e) => [e['method'], e['code']])).toEqual([['chat.postMessage', 'invalid_auth'], ['chat.update', 'token_revoked']]);
      expect(own.lines.some((l) => l.includes('Retry-After'))).toBe(true);
      expect(own.lines.join('\n')).not.toContain(TOKEN);
      expect(own.lines.join('\n')).not.toContain(TOKEN.slice(0, 12));
    });
  });
});

describe('normaliseSlackApiUrl', () => {
  it.each([
    ['http://127.0.0.1:4000', 'http://127.0.0.1:4000/api/'],
    ['http://127.0.0.1:4000/', 'http://127.0.0.1:4000/api/'],
    ['http://127.0.0.1:4000/api', 'http://127.0.0.1:4000/api/'],
    ['http://127.0.0.1:4000/api/', 'http://127.0.0.1:4000/api/'],
    ['https://proxy.example/slack/api//', 'https://proxy.example/slack/api/'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseSlackApiUrl(input)).toBe(expected);
  });
});

describe('Slack app startup failures', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => void unhandled.push(e);
  beforeAll(() => void process.on('unhandledRejection', onUnhandled));
  afterAll(() => void process.off('unhandledRejection', onUnhandled));

  const noop = async (): Promise<CommandReply> => ({ text: '', outcome: 'answered' });

  it('fails fast with an UpstreamError naming DEVBOT_SLACK_API_URL when the API is unreachable', async () => {
    const deadUrl = `http://127.0.0.1:${await closedPort()}/api/`;
    const { log } = memoryLogger();
    const started = Date.now();
    const err = await createSlackApp({
      config: { slack: { port: 0, botToken: TOKEN, signingSecret: SECRET, apiUrl: deadUrl } },
      log,
      handleCommand: noop,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as Error).message).toMatch(/Could not reach the Slack API at http:\/\/127\.0\.0\.1:\d+\/api\/.*DEVBOT_SLACK_API_URL/);
    expect((err as Error).message).not.toContain(TOKEN);
    expect(Date.now() - started).toBeLessThan(5_000);
    await sleep(100);
    expect(unhandled).toEqual([]);
  });

  it('names DEVBOT_SLACK_BOT_TOKEN when Slack rejects the token', async () => {
    const fake = await startFakeSlackApi();
    try {
      fake.failNext('auth.test', { error: 'invalid_auth' });
      const err = await createSlackApp({
        config: { slack: { port: 0, botToken: TOKEN, signingSecret: SECRET, apiUrl: fake.url } },
        log: memoryLogger().log,
        handleCommand: noop,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect(err).toMatchObject({ retryable: false, message: expect.stringMatching(/invalid_auth.*DEVBOT_SLACK_BOT_TOKEN/) });
      expect(unhandled).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('Socket Mode: a rejected app token is a clear error naming DEVBOT_SLACK_APP_TOKEN', async () => {
    const fake = await startFakeSlackApi();
    try {
      fake.failNext('apps.connections.open', { error: 'invalid_auth' });
      const slack = await createSlackApp({
        config: { slack: { port: 0, botToken: TOKEN, appToken: 'xapp-1-wire-test', apiUrl: fake.url } },
        log: memoryLogger().log,
        handleCommand: noop,
      });
      const err = await slack.start().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect((err as Error).message).toMatch(/apps\.connections\.open \(invalid_auth\)\. Check DEVBOT_SLACK_APP_TOKEN/);
      expect(fake.callsTo('apps.connections.open')[0]?.authorized).toBe(true);
      await slack.stop();
    } finally {
      await fake.close();
    }
  });

  it('throws ConfigError when the bot token or signing secret is missing', async () => {
    const err = await createSlackApp({ config: { slack: { port: 0 } }, log: memoryLogger().log, handleCommand: noop }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/DEVBOT_SLACK_BOT_TOKEN[\s\S]*DEVBOT_SLACK_SIGNING_SECRET/);
  });
});

/** A loopback port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
