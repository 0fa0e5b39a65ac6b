import type { Catalog } from './catalog-schema.js';
import { dependencyGraph, findCycle } from './dependency-order.js';
import { isTemplated } from './unit-names.js';

/** Names that hold secrets: their values must come by reference, never inline in the catalog. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE|CREDENTIAL)/i;
const PLACEHOLDERS = new Set(['ip', 'machine', 'unit', 'instance']);

/**
 * What the schema cannot see: references between services, and combinations fleet or systemd
 * would refuse later, on a machine, where nobody reads the error. Returns `path: problem` lines.
 */
export function checkCatalog(catalog: Catalog): string[] {
  const problems: string[] = [];
  const services = catalog.services;
  for (const [name, s] of Object.entries(services)) {
    const at = `services.${name}`;
    for (const [field, refs] of [['after', s.after], ['requires', s.requires]] as const) {
      for (const ref of refs) {
        if (ref.includes('.')) continue;
        const target = services[ref];
        if (!target) problems.push(`${at}.${field}: unknown service '${ref}' (name a catalog service, or a unit such as docker.service)`);
        else if (ref === name) problems.push(`${at}.${field}: a service cannot depend on itself`);
        else if (isTemplated(target)) problems.push(`${at}.${field}: ${ref} has ${target.instances} instances; name one unit (${ref}@1.service)`);
        else if (field === 'requires' && !target.placement.global && s.placement.machineOf !== ref) {
          problems.push(`${at}.requires: ${ref} may run on another machine, and systemd only sees units on its own; make ${ref} global, place ${name} with machineOf: ${ref}, or use after`);
        }
      }
    }
    const { global, conflicts, machineOf } = s.placement;
    if (global && s.instances > 1) problems.push(`${at}.instances: a global service runs once per machine; leave instances at 1`);
    if (global && conflicts.length) problems.push(`${at}.placement: fleet refuses Global with Conflicts`);
    if (global && machineOf) problems.push(`${at}.placement: fleet refuses Global with MachineOf`);
    if (machineOf && !machineOf.includes('.')) {
      const peer = services[machineOf];
      if (!peer) problems.push(`${at}.placement.machineOf: unknown service '${machineOf}'`);
      else if (isTemplated(peer) || peer.placement.global) problems.push(`${at}.placement.machineOf: ${machineOf} is not a single unit`);
    }
    for (const [key, value] of Object.entries(s.env)) {
      if (typeof value !== 'object' && SECRET_NAME.test(key)) {
        problems.push(`${at}.env.${key}: looks like a secret; give it as { secret: <file> } so its value never appears in units or chat`);
      }
    }
    const check = s.health?.http ?? s.health?.command?.join(' ') ?? '';
    for (const [, word] of check.matchAll(/\{([^}]*)\}/g)) {
      if (!PLACEHOLDERS.has(word ?? '')) problems.push(`${at}.health: unknown placeholder {${word}} (known: ${[...PLACEHOLDERS].map((p) => `{${p}}`).join(', ')})`);
    }
  }
  const cycle = findCycle(dependencyGraph(catalog));
  if (cycle) problems.push(`services: dependency cycle ${cycle.join(' → ')} (after, requires or machineOf): none of them could start first`);
  return problems;
}
