/**
 * 10,000 generated command texts (random verbs and flags, Unicode, control characters, very long)
 * through the real pipeline, and 300 more through the real Bolt receiver: every reply is defined
 * and fits Slack's limits, nothing escapes, and the queue ends up with exactly one job per
 * "queued" reply and none for input the parser refuses. Seeded: DEVBOT_FUZZ_SEED varies the run.
 */
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/commands/parse.js';
import { GRAMMAR } from '../../src/commands/grammar.js';
import type { CommandReply } from '../../src/commands/types.js';
import type { JobData } from '../../src/ports/queue.js';
import { escapeToFit } from '../../src/render/limits.js';
import { createRandom, fuzzSeed, generateCommandText } from './command-texts.js';
import { ALICE, CAROL, DEV, deletePrefix, ELSEWHERE, MALLORY, PROD, startReliabilityBot, type ReliabilityBot, type Who } from './reliability-bot.js';
import { slackLimitProblems } from './slack-limits.js';

const SEED = fuzzSeed(20261122);
const OUTCOMES = new Set<CommandReply['outcome']>(['queued', 'answered', 'usage', 'denied', 'unavailable', 'error']);
/** Slack shows "operation_timeout" to a user whose command is not acked within 3 s. */
const ACK_LIMIT_MS = 3000;

function pickWho(random: () => number): Who {
  const u = random();
  const c = random();
  return {
    user: u < 0.7 ? ALICE : u < 0.85 ? CAROL : MALLORY,
    channel: c < 0.6 ? DEV : c < 0.85 ? PROD : ELSEWHERE,
  };
}

function parses(text: string): { ok: true; verb: string } | { ok: false } {
  try {
    return { ok: true, verb: parseCommand(text).verb };
  } catch {
    return { ok: false };
  }
}

interface Case {
  text: string;
  who: Who;
}

/** What the user would see wrong with this reply, if anything. */
function replyProblems(c: Case, reply: { outcome?: string; text: string; blocks?: unknown[] }, tookMs: number): string[] {
  const problems = slackLimitProblems({ text: reply.text, blocks: reply.blocks });
  if (reply.outcome !== undefined && !OUTCOMES.has(reply.outcome as CommandReply['outcome'])) problems.push(`outcome ${String(reply.outcome)}`);
  if (/internal error/i.test(reply.text)) problems.push(`internal error: ${reply.text}`);
  if (tookMs > ACK_LIMIT_MS) problems.push(`answered after ${tookMs} ms`);
  const parsed = parses(c.text);
  if (!parsed.ok && reply.outcome !== undefined && reply.outcome !== 'usage') problems.push(`the parser refuses it, yet the outcome is ${reply.outcome}`);
  return problems;
}

const describeCase = (i: number, c: Case) => `seed ${SEED} #${i} ${c.who.user} in #${c.who.channel.name}: ${JSON.stringify(c.text.slice(0, 120))}${c.text.length > 120 ? `… (${c.text.length} chars)` : ''}`;

/** Every job in the queue, whatever its state. */
async function jobsIn(bot: ReliabilityBot): Promise<Array<{ id: string; data: JobData }>> {
  const queue = new Queue<JobData>(bot.config.jobs.queue, { connection: { url: bot.config.redis.url }, prefix: bot.config.redis.prefix });
  try {
    const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed', 'paused', 'waiting-children'], 0, -1);
    return jobs.map((j) => ({ id: j.id ?? '?', data: j.data }));
  } finally {
    await queue.close();
  }
}

/** As handleCommand records it on the job: without a leading `/dev`. */
const jobText = (text: string) => text.replace(/^\s*\/dev\b\s*/, '');

/**
 * The queue holds exactly one job per queued reply (same ids when the replies name them, same
 * command texts), and each job comes from a command the parser accepts, of its verb's kind.
 */
async function expectQueueMatches(bot: ReliabilityBot, queued: Array<{ id?: string; text: string }>): Promise<void> {
  const jobs = await jobsIn(bot);
  expect(jobs.map((j) => j.data.text).sort()).toEqual(queued.map((q) => jobText(q.text)).sort());
  const ids = queued.flatMap((q) => (q.id ? [q.id] : []));
  if (ids.length === queued.length) {
    expect(new Set(ids).size, 'one job id per queued reply').toBe(ids.length);
    expect(jobs.map((j) => j.id).sort()).toEqual([...ids].sort());
  }
  const bad = jobs.flatMap((j) => {
    const parsed = parses(j.data.text);
    if (!parsed.ok) return [`${j.id}: queued from text the parser refuses: ${JSON.stringify(j.data.text.slice(0, 120))}`];
    const kind = GRAMMAR[parsed.verb as keyof typeof GRAMMAR].jobKind;
    return kind === j.data.kind ? [] : [`${j.id}: kind ${j.data.kind} for verb ${parsed.verb}`];
  });
  expect(bad).toEqual([]);
}

/** Web API calls the fake received, per method. */
function callCounts(bot: ReliabilityBot): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of bot.fake.calls) counts[c.method] = (counts[c.method] ?? 0) + 1;
  return counts;
}

async function inBatches<T>(items: T[], size: number, run: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    await Promise.all(items.slice(start, start + size).map((item, j) => run(item, start + j)));
  }
}

describe(`generated command texts (seed ${SEED}; set DEVBOT_FUZZ_SEED to vary)`, () => {
  let bot: ReliabilityBot | undefined;

  afterEach(async () => {
    if (!bot) return;
    await bot.close();
    await deletePrefix(bot.config.redis.url, bot.config.redis.prefix);
    bot = undefined;
  });

  it('10,000 through handleCommand on a real queue: every reply defined and within Slack limits, no job for invalid input', async () => {
    bot = await startReliabilityBot({ strictSlack: true });
    const random = createRandom(SEED);
    const cases: Case[] = Array.from({ length: 10_000 }, () => ({ text: generateCommandText(random), who: pickWho(random) }));
    const problems: string[] = [];
    const queued: Array<{ id?: string; text: string }> = [];
    const outcomes: Record<string, number> = {};
    const errs: string[] = [];
    const b = bot;
    await inBatches(cases, 50, async (c, i) => {
      const began = Date.now();
      let reply: CommandReply;
      try {
        reply = await b.handle(c.text, c.who);
      } catch (e) {
        problems.push(`${describeCase(i, c)}: threw ${String(e)}`);
        return;
      }
      outcomes[reply.outcome] = (outcomes[reply.outcome] ?? 0) + 1;
      if (reply.outcome === 'error' || reply.outcome === 'unavailable') errs.push(`${reply.outcome} ${c.text.slice(0, 60)} => ${reply.text.slice(0, 100)}`);
      if (reply.outcome === 'queued') {
        if (reply.jobId) queued.push({ id: reply.jobId, text: c.text });
        else problems.push(`${describeCase(i, c)}: queued without a job id`);
      }
      // As the Slack listener sends it (escaped, devbot's own mentions kept).
      const sent = { ...reply, text: escapeToFit(reply.text) };
      for (const p of replyProblems(c, sent, Date.now() - began)) problems.push(`${describeCase(i, c)}: ${p}`);
    });
    console.log(`[fuzz] seed ${SEED}: outcomes ${JSON.stringify(outcomes)}`); console.log(JSON.stringify(errs.slice(0, 40)));
    expect(problems.slice(0, 20)).toEqual([]);
    // What devbot sent Slack on its own (approval requests, previews) Slack took: no 429, no invalid_blocks.
    console.log(`[fuzz] Slack calls ${JSON.stringify(callCounts(bot))}`);
    expect(bot.slackRefusals()).toEqual([]);
    // The mix must reach every part of the pipeline, or the run proves little.
    for (const outcome of ['queued', 'answered', 'usage', 'denied'] as const) expect(outcomes[outcome] ?? 0, outcome).toBeGreaterThan(50);
    await expectQueueMatches(bot, queued);
    expect(bot.logs.atLeast(50).map((e) => e['msg'])).toEqual([]);
  });

  it('300 through the signed Bolt receiver: HTTP 200, an ack within Slack limits, answered once, no job for invalid input', async () => {
    bot = await startReliabilityBot({ strictSlack: true });
    const random = createRandom(SEED + 1);
    const cases: Case[] = Array.from({ length: 300 }, () => {
      const text = generateCommandText(random);
      // What Slack can send: the form encoding turns a lone surrogate into U+FFFD.
      return { text: new URLSearchParams(new URLSearchParams({ text }).toString()).get('text')!, who: pickWho(random) };
    });
    const problems: string[] = [];
    const queued: Array<{ text: string }> = [];
    const b = bot;
    /** Per case: its response_url's id, and whether its ack said "Working on it…" (a late answer must follow). */
    const sent: Array<{ responseId: string; late: boolean }> = [];
    await inBatches(cases, 10, async (c, i) => {
      const res = await b.command(c.text, c.who);
      sent[i] = { responseId: res.responseId, late: res.bodies.length > 1 };
      if (res.status !== 200) return void problems.push(`${describeCase(i, c)}: HTTP ${res.status}`);
      // The "Working on it…" ack of a late answer must fit too.
      for (const body of res.bodies.slice(0, -1)) for (const p of slackLimitProblems(body)) problems.push(`${describeCase(i, c)}: ${p}`);
      // A preview's ack names the command, not the job: the queue check below matches on texts.
      const outcome = /^Queued as job |^Preparing a preview of /.test(res.text) ? 'queued' : undefined;
      if (outcome === 'queued') queued.push({ text: c.text });
      for (const p of replyProblems(c, { outcome, text: res.text, blocks: res.blocks }, res.tookMs)) problems.push(`${describeCase(i, c)}: ${p}`);
    });
    expect(problems.slice(0, 20)).toEqual([]);
    expect(queued.length).toBeGreaterThan(10);
    // Answered exactly once: the ack, and a late answer only after "Working on it…", never two.
    const lateAnswers = new Map<string, number>();
    for (const call of bot.fake.callsTo('response_url')) lateAnswers.set(call.responseId!, (lateAnswers.get(call.responseId!) ?? 0) + 1);
    const wrong = cases.flatMap((c, i) => {
      const n = lateAnswers.get(sent[i]!.responseId) ?? 0;
      return n === (sent[i]!.late ? 1 : 0) ? [] : [`${describeCase(i, c)}: ${n} late answers`];
    });
    expect(wrong.slice(0, 20)).toEqual([]);
    // Slack took everything devbot sent: no 429, no invalid_blocks / msg_too_long, no used_url.
    console.log(`[fuzz] Slack calls ${JSON.stringify(callCounts(bot))}`);
    expect(bot.slackRefusals()).toEqual([]);
    await expectQueueMatches(bot, queued);
    expect(bot.logs.atLeast(50).map((e) => e['msg'])).toEqual([]);
  });
});
