import { decide, type AclRequest, type Decision, type Principal } from '../acl/decide.js';
import type { Config } from '../config/schema.js';

/**
 * The ACL decision for `/dev exec <where> <entry>`: the verb `exec` on the entry's target (its
 * name, or the `acl.target` the entry gives), and, when the entry names an `acl.verb`, that verb
 * on the same target as well. A user allowed `exec` but not the entry's verb is told exactly that.
 * An entry the config does not have is decided on its name: the job refuses it before any
 * connection, with the list of allowed ones.
 */
export function decideExec(config: Pick<Config, 'acl' | 'environments'>, principal: Principal, req: Omit<AclRequest, 'verb' | 'target'>, entryName: string): Decision {
  const entry = config.environments[req.environment]?.remote?.exec;
  const acl = entry && Object.hasOwn(entry, entryName) ? entry[entryName]?.acl : undefined;
  const target = acl?.target ?? entryName;
  const base = decide(config.acl, principal, { ...req, verb: 'exec', target });
  if (!base.allowed || !acl?.verb) return base;
  const also = decide(config.acl, principal, { ...req, verb: acl.verb, target });
  if (also.allowed) return base;
  return {
    allowed: false,
    reason: `\`exec ${entryName}\` also needs the verb \`${acl.verb}\`${acl.target ? ` on \`${target}\`` : ''} (environments.${req.environment}.remote.exec.${entryName}.acl): ${also.reason}`,
  };
}
