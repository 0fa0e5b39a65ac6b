import { z } from 'zod';
import { VERB_NAMES } from '../commands/verbs.js';

/** Names of allow-listed entries and their templated arguments: lowercase words. */
const name = z.string().regex(/^[a-z][a-z0-9-]*$/, 'lowercase words, e.g. disk-usage');

const execEntrySchema = z
  .object({
    /** The command as argv, never a shell string; `{arg}` elements are filled from `args`. */
    argv: z.array(z.string().min(1)).min(1, 'give the command as a list, e.g. [df, -h]'),
    /** Each templated argument's pattern; a value must match it whole before any connection. */
    args: z
      .record(name, z.string().min(1).refine(isRegex, 'not a valid regular expression'))
      .default({}),
    /** Asks for a confirmation first. */
    dangerous: z.boolean().default(false),
    /**
     * Who may run it. Always the ACL verb `exec` on the target, which is the entry's name unless
     * `target` says otherwise (e.g. `docker`, shared by several entries); with `verb`, that verb
     * on the target too (e.g. `units` for an entry that restarts something).
     */
    acl: z
      .object({
        verb: z.enum(VERB_NAMES, { message: `one of devbot's verbs: ${VERB_NAMES.join(', ')}` }).optional(),
        target: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    for (const placeholder of placeholders(entry.argv)) {
      if (!(placeholder in entry.args)) ctx.addIssue({ code: 'custom', path: ['args'], message: `give a pattern for {${placeholder}}` });
    }
  });

/** `/dev logs` and `/dev exec` over SSH: a dedicated user, a key from the environment, pinned host keys. */
export const remoteSchema = z
  .object({
    user: z.string().min(1).default('devbot'),
    port: z.number().int().min(1).max(65535).default(22),
    /** Name of the environment variable holding the private key (OpenSSH or PEM); never the key itself. */
    privateKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name').default('DEVBOT_SSH_KEY'),
    /** Machine IP or id → its host key as in known_hosts (`ssh-ed25519 AAAA…`); unknown hosts are refused. */
    hostKeys: z.record(z.string().min(1), z.string().regex(/^[a-z0-9-]+ [A-Za-z0-9+/=]+/, 'write `<type> <base64>`, as in known_hosts')).default({}),
    /** Per machine: connect, run and read the output within this long. */
    timeoutMs: z.number().int().positive().default(10_000),
    /** How many machines a role-wide exec talks to at once. */
    parallelism: z.number().int().min(1).max(32).default(4),
    exec: z.record(name, execEntrySchema).default({}),
  })
  .strict();

export type RemoteConfig = z.infer<typeof remoteSchema>;
export type ExecEntry = z.infer<typeof execEntrySchema>;

/** The `{name}` placeholders of an argv. */
export function placeholders(argv: string[]): string[] {
  return [...argv.join('\n').matchAll(/\{([a-z][a-z0-9-]*)\}/g)].map((m) => m[1] as string);
}

function isRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
