import { UsageError } from '../errors.js';
import { DOCKER_TAG_RULE, isDockerTag } from '../units/docker-tag.js';
import { NAME_PATTERN, PEER_URL_PATTERN } from './command.js';
import { quoteUserText } from './echo.js';
import { FLAGS, flagTakesValue, isFlagName, type FlagName, type VerbSpec } from './grammar.js';
import { suggestNearest } from './suggest.js';
import type { Token } from './tokenize.js';

/** A verb's words after the verb, split into positionals and (checked) flags. */
export interface Args {
  spec: VerbSpec;
  positionals: string[];
  /** Value flags map to their (validated) value, switches to true. */
  flags: Partial<Record<FlagName, string | true>>;
}

const NAME_RULE = 'names are 1–100 letters, digits and . _ @ : -, starting with a letter or digit';

/** What each value flag's value is, for messages and for picking its charset. */
const FLAG_VALUE_LABELS: Partial<Record<FlagName, string>> = {
  env: 'environment name',
  version: 'version',
  to: 'candidate name',
  user: 'user',
  target: 'target name',
  'peer-url': 'peer URL',
  only: 'service name',
};

/** Checks a name against the safe charset; `label` says what it names ("service name"). */
export function checkName(value: string, label: string, usage: string): string {
  if (NAME_PATTERN.test(value)) return value;
  throw new UsageError(`${describeValue(value)} is not a valid ${label}: ${NAME_RULE}.`, usage);
}

/** A `--version` is a docker tag, by the catalog's own check: refused here, before any confirmation or job. */
export function checkVersion(value: string, usage: string): string {
  if (isDockerTag(value)) return value;
  throw new UsageError(`${describeValue(value)} is not a valid version for --version: ${DOCKER_TAG_RULE}.`, usage);
}

function describeValue(value: string): string {
  return value === '' ? 'An empty argument' : quoteUserText(value);
}

/** Slack sends a mention as <@U123|alice> when "escape users" is on; the id is what we key on. */
function unwrapMention(value: string): string {
  const mention = /^<@([A-Za-z0-9]+)(?:\|[^>]*)?>$/.exec(value);
  return mention?.[1] ?? value.replace(/^@/, '');
}

function flagList(spec: VerbSpec): string {
  return spec.flags.length === 0 ? 'it takes no flags' : `its flags: ${spec.flags.map((f) => `--${f}`).join(', ')}`;
}

function unknownFlag(spec: VerbSpec, written: string, name: string): UsageError {
  const near = suggestNearest(name, spec.flags);
  const hint = near ? ` Did you mean \`--${near}\`?` : '';
  return new UsageError(`\`${spec.verb}\` has no flag ${quoteUserText(written)} (${flagList(spec)}).${hint}`, spec.usage);
}

/** A `--peer-url`: Slack sends a pasted URL as <http://…> or <http://…|label>; etcd takes http(s)://host:port. */
function checkPeerUrl(raw: string, usage: string): string {
  const value = /^<([^|>]+)(?:\|[^>]*)?>$/.exec(raw)?.[1] ?? raw;
  if (PEER_URL_PATTERN.test(value)) return value;
  throw new UsageError(`${describeValue(raw)} is not a peer URL: write http://<address>:<port>, e.g. http://10.0.2.10:2380.`, usage);
}

/** `--only gerrit,buildbot`: service names, comma-separated, each checked as a name. */
function checkNameList(raw: string, label: string, usage: string): string {
  const names = raw.split(',');
  if (names.some((n) => n === '')) throw new UsageError(`${describeValue(raw)} is not a list of ${label}s: separate them with commas, no spaces (gerrit,buildbot).`, usage);
  return names.map((n) => checkName(n, label, usage)).join(',');
}

function checkFlagValue(spec: VerbSpec, flag: FlagName, raw: string): string {
  if (flag === 'version') return checkVersion(raw, spec.usage);
  if (flag === 'only') return checkNameList(raw, 'service name for --only', spec.usage);
  if (flag === 'peer-url') return checkPeerUrl(raw, spec.usage);
  const label = FLAG_VALUE_LABELS[flag] ?? flag;
  const value = flag === 'user' ? unwrapMention(raw) : raw;
  return checkName(value, `${label} for --${flag}`, spec.usage);
}

/** An unquoted word starting with '-' is a flag (or a mistyped one); quoted words never are. */
function looksLikeFlag(token: Token | undefined): boolean {
  return token !== undefined && !token.quoted && token.value.startsWith('-');
}

/**
 * Sorts the words after the verb into positionals and flags, accepting `--flag value` and
 * `--flag=value`. Throws UsageError for an unknown flag, a single-dash flag, a value missing or
 * given to a switch, or a flag given twice.
 */
export function readArgs(spec: VerbSpec, tokens: readonly Token[]): Args {
  const args: Args = { spec, positionals: [], flags: {} };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token) continue;
    if (!looksLikeFlag(token)) {
      args.positionals.push(token.value);
      continue;
    }
    const written = token.value;
    const [head = '', ...rest] = written.split('=');
    const inline = rest.length > 0 ? rest.join('=') : undefined;
    const name = head.replace(/^-{1,2}/, '').toLowerCase();
    if (!isFlagName(name) || !spec.flags.includes(name)) throw unknownFlag(spec, head, name);
    if (!head.startsWith('--')) {
      throw new UsageError(`Flags start with two dashes: write \`--${name}\`, not ${quoteUserText(head)}.`, spec.usage);
    }
    if (args.flags[name] !== undefined) {
      throw new UsageError(`\`--${name}\` is given twice; give it once.`, spec.usage);
    }
    if (!flagTakesValue(name)) {
      if (inline !== undefined) throw new UsageError(`\`--${name}\` takes no value; write just \`--${name}\`.`, spec.usage);
      args.flags[name] = true;
      continue;
    }
    let value = inline;
    if (value === undefined && !looksLikeFlag(tokens[i + 1])) {
      value = tokens[i + 1]?.value;
      i += 1;
    }
    if (value === undefined || value === '') {
      const placeholder = 'value' in FLAGS[name] ? FLAGS[name].value : 'value';
      throw new UsageError(`\`--${name}\` needs a value, as in \`--${name} ${placeholder}\`.`, spec.usage);
    }
    args.flags[name] = checkFlagValue(spec, name, value);
  }
  return args;
}
