import { VERB_NAMES } from '../../../src/commands/verbs.js';

/** mulberry32: a seeded generator, so a failure reproduces with the seed it prints. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VERBS = [...VERB_NAMES, 'deplyo', 'STATUS', 'ｄｅｐｌｏｙ', '/dev'];
const WORDS = [
  '--env', '—env', '–env', '--yes', '—yes', '--version', '--version=1.2.3', '--to', '--all', '--user', '--target',
  '--env=', '--', '-', '-x', '--bogus', '---yes',
  'gerrit', 'postgres', 'web@1.service', 'prod', 'staging', '1042', 'create', 'update', 'diff', 'list', 'start', 'stop',
  '"quoted words"', "'single'", '""', '“curly”', '<@U0ALICE|alice>', '@alice',
];
const WEIRD = [
  '"', "'", '“', '‘', '<!channel>', '`', '$(id)', '../..', ';', '&amp;',
  '\ufdfa', 'ﬁ', 'é', 'e\u0301', '😀', '👩‍👩‍👧', '\u00a0', '\u3000',
  '\u200b', '\u200d', '\u202e', '\u2066', '\ufeff', '\u00ad',
  '\u0000', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\t', '\n', '\r', '\ud800', '\udfff',
];

/** Mostly command-shaped text with the odd weird piece; sometimes pure noise or very long. */
export function randomCommandText(random: () => number): string {
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const shape = random();
  if (shape < 0.05) return pick([...WORDS, ...WEIRD]).repeat(1 + Math.floor(random() * 1200));
  if (shape < 0.15) {
    // arbitrary code points, any plane
    return Array.from({ length: Math.floor(random() * 40) }, () => String.fromCodePoint(Math.floor(random() * 0x30000))).join('');
  }
  const words = [pick(VERBS)];
  if (words[0] === 'can-i') words.push(pick(VERBS));
  for (let n = Math.floor(random() * 5); n > 0; n--) words.push(random() < 0.1 ? pick(WEIRD) : pick(WORDS));
  return words.join(random() < 0.9 ? ' ' : '');
}
