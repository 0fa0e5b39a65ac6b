/**
 * Seeded command texts for the reliability suite: the shapes of test/unit/commands (mostly
 * command-shaped, odd pieces, noise) plus well-formed commands, made-up verbs and flags, Unicode
 * from many scripts, control characters at random places, and lengths around and far past the
 * 1,000-character limit.
 */
import { VERB_NAMES } from '../../src/commands/verbs.js';
import { createRandom, randomCommandText } from '../unit/commands/random-command-text.js';

export { createRandom };

/** The seed for this run: fixed, so CI is repeatable; `DEVBOT_FUZZ_SEED` explores others. */
export function fuzzSeed(fallback: number): number {
  const raw = process.env['DEVBOT_FUZZ_SEED'];
  const seed = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isSafeInteger(seed)) throw new Error(`DEVBOT_FUZZ_SEED must be an integer, got ${raw}`);
  return seed;
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const int = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

const NAMES = ['gerrit', 'postgres', 'redis', 'web@1.service', 'pg-2', 'a', 'x'.repeat(100), 'x'.repeat(101), 'dev', 'prod', 'staging', 'nowhere'];
const ENVS = ['dev', 'prod', 'staging', 'DEV', 'nowhere', 'prod/../dev', ''];

/** Commands a user could mean, valid or nearly so. */
function wellFormed(random: Random): string {
  const env = random() < 0.4 ? ` ${pick(random, ['--env', '—env', '--env='])}${random() < 0.8 ? pick(random, ENVS) : ''}` : '';
  const yes = random() < 0.3 ? ' --yes' : '';
  const name = pick(random, NAMES);
  const forms = [
    `status${env}`,
    `help${random() < 0.5 ? ` ${pick(random, [...VERB_NAMES, 'nope'])}` : ''}`,
    `can-i ${pick(random, ['deploy gerrit', 'failover postgres --to pg-2', 'status', 'stack update', 'frobnicate'])}${env}`,
    `deploy ${name}${random() < 0.5 ? ` --version ${pick(random, ['1.2.3', '3.9.1+g1a2b3c', 'latest', '$(id)'])}` : ''}${env}${yes}`,
    `rollback ${name}${env}${yes}`,
    `stack ${pick(random, ['create', 'update', 'diff', 'destroy', ''])}${env}${yes}`,
    `units ${pick(random, ['list', 'start', 'stop', 'restart'])}${random() < 0.6 ? ` ${name}` : ''}${env}`,
    `failover ${name}${random() < 0.4 ? ` --to ${pick(random, NAMES)}` : ''}${env}${yes}`,
    `jobs${random() < 0.5 ? ' --all' : ''}`,
    `cancel ${pick(random, ['status-0123456789', '1042', 'deploy-abcdef0123', ''])}${yes}`,
    'locks',
    `audit${random() < 0.5 ? ` --user ${pick(random, ['U0ALICE', '<@U0ALICE|alice>', '@bob'])}` : ''}${random() < 0.5 ? ` --target ${name}` : ''}`,
    'alerts',
    `silence ${pick(random, ['dev/etcd-member-unreachable/e2', 'prod/etcd-quorum-lost/cluster', 'nowhere/x/y', 'bad key'])} ${pick(random, ['2h', '90s', '0m', '1y', ''])}`,
  ];
  // status is one of the two verbs that queue a job here: weighted up, so plenty of jobs get queued.
  const text = random() < 0.3 ? forms[0]! : pick(random, forms);
  return random() < 0.2 ? `/dev ${text}` : text;
}

/** Verbs and flags nobody defined. */
function madeUp(random: Random): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz-_';
  const word = (n: number) => Array.from({ length: n }, () => pick(random, [...letters])).join('');
  const parts = [random() < 0.5 ? word(int(random, 1, 12)) : pick(random, VERB_NAMES)];
  for (let n = int(random, 0, 4); n > 0; n--) {
    const flag = `${pick(random, ['--', '-', '---', '—', '–'])}${word(int(random, 0, 10))}`;
    parts.push(random() < 0.3 ? `${flag}=${word(int(random, 0, 6))}` : random() < 0.5 ? flag : word(int(random, 1, 8)));
  }
  return parts.join(' ');
}

/** Scripts, marks, emoji, full-width and compatibility forms (some expand under NFKC), lone surrogates. */
const UNICODE = [
  'статус', 'ステータス', '状态', 'حالة', 'סטטוס', 'स्थिति', 'ｓｔａｔｕｓ', 'ＤＥＰＬＯＹ', 'ﬁ', 'ﷺ', '㍻', 'Ⅻ', '①',
  'e\u0301', 'a\u0300\u0301\u0302\u0303', 'Z\u0351\u0352\u0357\u035b', '🚀', '👩\u200d🚀', '🏳️\u200d🌈', '🇩🇪', '\u{1F9EA}', '\u{10FFFD}',
  '\u00a0', '\u2003', '\u3000', '\u2028', '\u2029', '\ud83d', '\ude80', '\uffff', '\ufffd', '\u{E0041}',
];

function unicodeHeavy(random: Random): string {
  const words = [random() < 0.6 ? pick(random, VERB_NAMES) : pick(random, UNICODE)];
  for (let n = int(random, 1, 6); n > 0; n--) words.push(random() < 0.5 ? pick(random, UNICODE) : pick(random, NAMES));
  return words.join(random() < 0.85 ? ' ' : '');
}

/** A command with C0/C1 controls, DEL, bidi and zero-width characters dropped in at random places. */
function withControls(random: Random): string {
  const base = wellFormed(random);
  const controls = () => {
    const r = random();
    if (r < 0.5) return String.fromCharCode(int(random, 0, 31));
    if (r < 0.6) return '\u007f';
    if (r < 0.8) return String.fromCharCode(int(random, 0x80, 0x9f));
    return pick(random, ['\u200b', '\u200e', '\u202e', '\u2066', '\ufeff', '\u00ad', '\u061c', '\u180e']);
  };
  const chars = Array.from(base);
  for (let n = int(random, 1, 3); n > 0; n--) chars.splice(int(random, 0, chars.length), 0, controls());
  return chars.join('');
}

/** Around the limit (999–1001 characters, counted as people count them), and far past it. */
function long(random: Random): string {
  const r = random();
  if (r < 0.4) {
    const target = int(random, 995, 1005);
    const filler = pick(random, ['a', 'é', '😀', ' ', 'x ']);
    const head = `deploy gerrit --version `;
    return head + filler.repeat(Math.max(0, Math.ceil((target - head.length) / Array.from(filler).length)));
  }
  // NFKC expands U+FDFA to 18 characters: short as typed, long once normalised.
  if (r < 0.6) return `status ${'ﷺ'.repeat(int(random, 50, 60))}`;
  if (r < 0.9) return `${pick(random, VERB_NAMES)} ${pick(random, ['x', 'ab ', '--env ', '"', '<!channel> '])}`.repeat(int(random, 200, 2000));
  return 'x'.repeat(int(random, 10_000, 100_000));
}

/** One generated text; the mix leans on odd input, with enough valid commands to queue real jobs. */
export function generateCommandText(random: Random): string {
  const r = random();
  if (r < 0.35) return randomCommandText(random);
  if (r < 0.6) return wellFormed(random);
  if (r < 0.7) return madeUp(random);
  if (r < 0.8) return unicodeHeavy(random);
  if (r < 0.92) return withControls(random);
  return long(random);
}
