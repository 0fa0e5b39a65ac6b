/**
 * The bot token, signing secret, app token and AWS keys, set in the environment as in production,
 * appear nowhere devbot writes: not in its logs (captured at trace level through pino's
 * destination), not in any call to the Slack Web API, not in any reply, not in what the CLI prints
 * when startup or the config fails. The scenario runs serve and worker paths in this process:
 * commands allowed, denied and refused, a failing job, Slack API errors and rate limits, button
 * clicks, a stack job whose AWS calls (signed with the keys) are throttled, startup against an
 * unreachable Slack API and a rejected app token; and `devbot
 * check-config` / `devbot serve` as real processes. Each case scans what it captured itself
 * (no secret, nor its first 12 characters), so each passes alone.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSlackApp } from '../../src/adapters/slack/slack-app.js';
import { runCheckConfig } from '../../src/cli/check-config.js';
import { ACTION_IDS } from '../../src/render/confirm.js';
import { freePorts } from '../../tools/local-cluster/free-port.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { blockActionsPayload, postInteraction } from '../fakes/slack-signing.js';
import { DEV_AWS_YAML, startFakeAwsEndpoint, withAwsRetry, type FakeAwsEndpoint } from './fake-aws-endpoint.js';
import { ALICE, captureLog, DEV, deletePrefix, MALLORY, startReliabilityBot, type ReliabilityBot } from './reliability-bot.js';
import { runDevbot, type DevbotRun } from './run-devbot.js';

const chars = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join('');
const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = `${UPPER}abcdefghijklmnopqrstuvwxyz${DIGITS}`;

/** Distinctive values, shaped like the real ones, fresh for every run. */
const SECRETS = {
  DEVBOT_SLACK_BOT_TOKEN: `xoxb-${chars(DIGITS, 13)}-${chars(DIGITS, 13)}-${chars(ALNUM, 24)}`,
  DEVBOT_SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'),
  DEVBOT_SLACK_APP_TOKEN: `xapp-1-A${chars(UPPER + DIGITS, 10)}-${chars(DIGITS, 13)}-${randomBytes(32).toString('hex')}`,
  AWS_ACCESS_KEY_ID: `AKIA${chars(UPPER + DIGITS, 16)}`,
  AWS_SECRET_ACCESS_KEY: chars(`${ALNUM}+/`, 40),
};

/** Each secret, and its first 12 characters (a log that cuts a token short still leaks it). */
const NEEDLES = Object.entries(SECRETS).flatMap(([name, value]) => [
  { name, value },
  { name: `${name} (first 12 characters)`, value: value.slice(0, 12) },
]);

/** Runs `devbot check-config` in this process, collecting what it writes to stdout and stderr. */
function checkConfig(file: string, env: Record<string, string> = {}): DevbotRun {
  const out = { stdout: '', stderr: '' };
  const real = { stdout: process.stdout.write, stderr: process.stderr.write, env: { ...process.env } };
  Object.assign(process.env, env);
  process.stdout.write = ((chunk: string | Uint8Array) => ((out.stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((out.stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    return { code: runCheckConfig(file), ...out };
  } finally {
    process.stdout.write = real.stdout;
    process.stderr.write = real.stderr;
    for (const name of Object.keys(env)) {
      if (real.env[name] === undefined) delete process.env[name];
      else process.env[name] = real.env[name];
    }
  }
}

function leaks(source: string, texts: string[]): string[] {
  return texts.flatMap((text, i) => NEEDLES.filter((n) => text.includes(n.value)).map((n) => `${source} #${i}: ${n.name} in ${JSON.stringify(text.slice(0, 300))}`));
}

/** What one case captured, by where it went; every case scans its own, so each passes alone. */
function expectNoLeaks(captured: Record<string, string[]>): void {
  expect(Object.entries(captured).flatMap(([source, texts]) => leaks(source, texts))).toEqual([]);
}

/** Every call the Slack Web API fake received, as it would show in Slack's own logs. */
const slackCallsOf = (fake: FakeSlackApi) => fake.calls.map((c) => JSON.stringify({ method: c.method, params: c.params, error: c.error }));

describe('secrets set in the environment never show in logs, Slack messages or replies', () => {
  const saved: Record<string, string | undefined> = {};
  let bot: ReliabilityBot | undefined;
  let fake: FakeSlackApi | undefined;
  let aws: FakeAwsEndpoint;
  let dir: string;
  let closedUrl: string;

  beforeAll(async () => {
    aws = await startFakeAwsEndpoint();
    // The AWS SDK reads its keys (and, here, its loopback endpoint) from the environment.
    for (const [name, value] of Object.entries({ ...SECRETS, AWS_ENDPOINT_URL: aws.url })) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    dir = mkdtempSync(join(tmpdir(), 'devbot-secrets-'));
    const [closedPort] = await freePorts(1);
    closedUrl = `http://127.0.0.1:${closedPort}/api/`;
  });

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await bot?.close();
    if (bot) await deletePrefix(bot.config.redis.url, bot.config.redis.prefix);
    await fake?.close();
    await aws?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serve and worker in this process: commands, denials, failing jobs, Slack API errors, AWS throttling, button clicks', async () => {
    const logs = captureLog('trace');
    const replies: string[] = [];
    // HTTP mode (the app token would switch to Socket Mode, tried on its own below).
    bot = await startReliabilityBot({
      worker: true,
      logs,
      env: { DEVBOT_SLACK_BOT_TOKEN: SECRETS.DEVBOT_SLACK_BOT_TOKEN, DEVBOT_SLACK_SIGNING_SECRET: SECRETS.DEVBOT_SLACK_SIGNING_SECRET },
      yaml: DEV_AWS_YAML,
      adjustDeps: withAwsRetry({ attempts: 2, baseDelayMs: 1, maxDelayMs: 5 }),
    });
    const b = bot;
    const say = async (text: string, user = ALICE) => {
      const reply = await b.command(text, { user, channel: DEV });
      expect(reply.status, text).toBe(200);
      replies.push(...reply.bodies.map((body) => JSON.stringify(body)));
      return reply.text;
    };
    const jobIdOf = (text: string) => /job (status-[0-9a-f]{10})/.exec(text)?.[1] ?? '';

    expect(await say('failover postgres', MALLORY)).toMatch(/^:no_entry:/);
    for (const text of ['help', 'help failover', 'can-i failover postgres', 'jobs --all', 'locks', 'audit', 'deploy gerrit', 'bogus --flag', 'status --env nowhere']) await say(text);

    // Slack refusing the token, revoking it, rate-limiting, while jobs post and update their messages.
    b.fake.failNext('chat.postMessage', { error: 'invalid_auth' });
    b.fake.failNext('chat.postMessage', { status: 429, retryAfter: 0 });
    b.fake.failNext('chat.update', { error: 'token_revoked' });
    b.fake.failNext('chat.postMessage', { error: 'not_authed' });
    const jobs = await Promise.all([1, 2, 3, 4].map(async () => jobIdOf(await say('status'))));
    // A job that fails: the preview of a failover of a database that is not configured.
    expect(await say('failover nosuchdb')).toMatch(/^Preparing a preview/);
    const failed = await b.fake.waitForCall('chat.postMessage', (c) => /failover nosuchdb.*failed/.test(String(c.params['text'])));
    const failedJob = /\(job ([\w-]+)\)/.exec(String(failed.params['text']))![1]!;
    // A stack job whose AWS calls, signed with the keys, are throttled until it gives up.
    const stackJob = /Queued as job (stack-[0-9a-f]{10})/.exec(await say('stack diff'))![1]!;
    const throttled = await b.waitForJobMessage(stackJob, (t) => / — failed /.test(t));
    expect(String(throttled.params['text'])).toMatch(/AWS kept throttling devbot/);
    expect(aws.authorizations.length).toBeGreaterThan(0);
    for (const a of aws.authorizations) expect(a).toContain(`Credential=${SECRETS.AWS_ACCESS_KEY_ID}/`);
    await Promise.all(jobs.map((jobId) => b.deps.queue.waitUntilFinished(jobId, 10_000)));
    expect(b.fake.calls.some((c) => /^chat\.(postMessage|update)$/.test(c.method) && /etcd: \d+\/\d+ members up/.test(String(c.params['text'])))).toBe(true);

    // Button clicks: a retry of the failed job, a confirm of nothing pending.
    for (const [actionId, value] of [[ACTION_IDS.retry, failedJob], [ACTION_IDS.confirm, 'no-such-confirmation']] as const) {
      const responseId = `click-${actionId}`;
      const payload = blockActionsPayload({ userId: ALICE, channelId: DEV.id, channelName: DEV.name, actionId, value, responseUrl: b.fake.responseUrl(responseId) });
      expect((await postInteraction(b.eventsUrl, b.signingSecret, payload)).status).toBe(200);
      await b.fake.waitForCall('response_url', (c) => c.responseId === responseId);
    }
    // The scenario did reach the failure paths it is meant to cover.
    expect(b.fake.calls.filter((c) => c.error !== undefined).map((c) => c.error)).toEqual(expect.arrayContaining(['invalid_auth', 'token_revoked', 'not_authed', 'ratelimited']));
    // …and logged them: a Slack refusal of the token, as an operator reads it.
    expect(logs.atLeast(40).some((e) => e['msg'] === 'Slack call failed' && e['code'] === 'invalid_auth')).toBe(true);

    expect(slackCallsOf(b.fake).length).toBeGreaterThan(10);
    expectNoLeaks({ 'log line': logs.lines, 'Slack API call': slackCallsOf(b.fake), reply: replies });
  });

  it('startup against an unreachable Slack API, and with a rejected app token', async () => {
    const logs = captureLog('trace');
    const log = logs.log.child({ component: 'startup' });
    fake = await startFakeSlackApi();
    const unreachable = await createSlackApp({
      config: { slack: { port: 0, botToken: SECRETS.DEVBOT_SLACK_BOT_TOKEN, signingSecret: SECRETS.DEVBOT_SLACK_SIGNING_SECRET, apiUrl: closedUrl } },
      log,
      handleCommand: async () => ({ text: '', outcome: 'answered' }),
    }).then(() => undefined, (e: unknown) => e);
    expect(String((unreachable as Error).message)).toMatch(/Could not reach the Slack API/);

    const socket = await createSlackApp({
      config: { slack: { port: 0, botToken: SECRETS.DEVBOT_SLACK_BOT_TOKEN, appToken: SECRETS.DEVBOT_SLACK_APP_TOKEN, apiUrl: fake.url } },
      log,
      handleCommand: async () => ({ text: '', outcome: 'answered' }),
    });
    fake.failNext('apps.connections.open', { error: 'invalid_auth' });
    const rejected = await socket.start().then(() => undefined, (e: unknown) => e);
    await socket.stop();
    expect(String((rejected as Error).message)).toMatch(/DEVBOT_SLACK_APP_TOKEN/);

    // What an operator reads: the error as Node prints it (every cause, every property), and as logged.
    const printed = [unreachable, rejected].map((e) => inspect(e, { depth: null }));
    for (const e of [unreachable, rejected]) log.fatal({ err: e }, 'devbot could not start');

    expect(logs.entries().filter((e) => e['msg'] === 'devbot could not start')).toHaveLength(2);
    expect(fake.callsTo('apps.connections.open')[0]?.authorized).toBe(true);
    expectNoLeaks({ 'log line': logs.lines, 'startup error': printed, 'Slack API call': slackCallsOf(fake) });
  });

  it('what `devbot check-config` prints, and `devbot serve` failing to start as a process', async () => {
    const base = `
environments:
  dev: { etcd: { endpoints: [${inject('etcd').endpoints.join(', ')}] } }
channels:
  dev-ops: { id: C0DEV, environment: dev }
`;
    const write = (name: string, text: string) => {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    };
    const valid = write('valid.yaml', base);
    // The mistake the check exists for: a secret pasted into the file.
    const pasted = write('pasted.yaml', `${base}slack: { botToken: "${SECRETS.DEVBOT_SLACK_BOT_TOKEN}", signingSecret: "${SECRETS.DEVBOT_SLACK_SIGNING_SECRET}" }\n`);
    const invalid = write('invalid.yaml', `environments:\n  Dev: { etcd: { endpoints: [not-a-url] } }\nredis: { commandTimeoutMs: -1 }\n`);

    // A real process for serve: how Node prints the startup error is part of what an operator reads.
    const serve = runDevbot(['serve', '--config', valid], {
      ...SECRETS,
      DEVBOT_REDIS_URL: inject('redisUrl'),
      DEVBOT_REDIS_PREFIX: `secrets-${randomBytes(4).toString('hex')}`,
      DEVBOT_SLACK_PORT: '0',
      DEVBOT_SLACK_API_URL: closedUrl,
    });
    // check-config is synchronous and reads process.env, where the secrets are set: run it here.
    const checks = {
      valid: checkConfig(valid),
      pasted: checkConfig(pasted),
      invalid: checkConfig(invalid, { DEVBOT_SLACK_PORT: 'not-a-port', DEVBOT_SLACK_API_URL: 'not a url' }),
      serve: await serve,
    };
    const printed = Object.entries(checks).map(([name, r]) => `${name} (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);

    // Each did what it is there to do, so the scan below reads real messages.
    expect(checks.valid).toMatchObject({ code: 0, stdout: expect.stringMatching(/OK[\s\S]*botToken set, signingSecret set, appToken set/) });
    expect(checks.pasted).toMatchObject({ code: 2, stderr: expect.stringMatching(/Secrets do not belong in config files[\s\S]*DEVBOT_SLACK_BOT_TOKEN/) });
    expect(checks.invalid).toMatchObject({ code: 2, stderr: expect.stringMatching(/slack\.port/) });
    expect(checks.serve.code).not.toBe(0);
    expect(checks.serve.stderr).toMatch(/Could not reach the Slack API/);
    expectNoLeaks({ cli: printed });
  }, 60_000);
});
