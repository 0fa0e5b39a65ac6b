import { readFileSync } from 'node:fs';

/** The scripts main nodes run at boot, kept as real bash files beside this one (node-scripts/). */
export type NodeScriptName = 'etcd-join' | 'etcd-address';

/** Characters a value may have: it lands inside a double-quoted shell word, so nothing the shell expands. */
const SAFE_VALUE = /^[A-Za-z0-9_.:/=,@+-]*$/;

const sourceOf = (name: NodeScriptName) => readFileSync(new URL(`./node-scripts/${name}.sh`, import.meta.url), 'utf8');

/**
 * Without its comment lines (the shebang stays): EC2 takes 16 KB of user data and CloudFormation
 * 51,200 bytes of template, and the commented source is one line away. (So no line of a heredoc
 * in these scripts may start with #.)
 */
function withoutComments(name: NodeScriptName, source: string): string {
  const [shebang = '', ...rest] = source.split('\n');
  const code = rest.filter((line) => !/^\s*#/.test(line));
  return [shebang, `# ${name}: written by devbot; the commented source is devbot's src/stack/node-scripts/${name}.sh`, ...code].join('\n');
}

/**
 * The script as a node runs it, its `@PLACEHOLDER@`s filled in from `values` (the config's,
 * rendered into the template). Throws on a placeholder without a value, a value without a
 * placeholder, or a value the shell would expand, so a template never carries a half-filled or
 * injectable script.
 */
export function renderNodeScript(name: NodeScriptName, values: Record<string, string>): string {
  const source = withoutComments(name, sourceOf(name));
  const used = new Set<string>();
  const text = source.replace(/@([A-Z][A-Z_]*)@/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${name}.sh: no value for @${key}@`);
    if (!SAFE_VALUE.test(value)) throw new Error(`${name}.sh: @${key}@ = ${JSON.stringify(value)} has characters the shell would expand`);
    used.add(key);
    return value;
  });
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length) throw new Error(`${name}.sh has no placeholder for ${unused.join(', ')}`);
  return text;
}
