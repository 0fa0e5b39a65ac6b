/** What fleet reads from a unit's [X-Fleet] section, and the checks it makes before accepting it. */

export interface FakeUnitOption {
  section: string;
  name: string;
  value: string;
}

export interface XFleet {
  /** key → acceptable values (several MachineMetadata lines for one key: any of them). */
  metadata: Map<string, Set<string>>;
  conflicts: string[];
  global: boolean;
  machineOf: string[];
  machineId?: string;
}

/** systemd's unit name specifiers that fleet expands in [X-Fleet] values: %n %N %p %i. */
export function expandSpecifiers(value: string, unitName: string): string {
  const base = unitName.replace(/\.[^.]+$/, '');
  const at = base.indexOf('@');
  const prefix = at < 0 ? base : base.slice(0, at);
  const instance = at < 0 ? '' : base.slice(at + 1);
  return value.replace(/%([nNpi%])/g, (_, c: string) => ({ n: unitName, N: base, p: prefix, i: instance, '%': '%' })[c] ?? '');
}

export function readXFleet(unitName: string, options: readonly FakeUnitOption[]): XFleet {
  const x: XFleet = { metadata: new Map(), conflicts: [], global: false, machineOf: [] };
  for (const o of options) {
    if (o.section !== 'X-Fleet') continue;
    const words = expandSpecifiers(o.value, unitName).split(/\s+/).filter(Boolean);
    switch (o.name) {
      case 'MachineMetadata':
        for (const w of words) {
          const eq = w.indexOf('=');
          if (eq <= 0) continue;
          const key = w.slice(0, eq);
          x.metadata.set(key, (x.metadata.get(key) ?? new Set()).add(w.slice(eq + 1)));
        }
        break;
      case 'Conflicts':
        x.conflicts.push(...words);
        break;
      case 'MachineOf':
        x.machineOf.push(...words);
        break;
      case 'MachineID':
        x.machineId = words[0];
        break;
      case 'Global':
        x.global = o.value.trim() === 'true';
        break;
    }
  }
  return x;
}

/** Go's path.Match for unit names: `*` any run, `?` one character, `[…]` a class. */
export function globMatch(pattern: string, name: string): boolean {
  const source = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  try {
    return new RegExp(`^${source}$`).test(name);
  } catch {
    return false;
  }
}

/** fleet's api.ValidateOptions: contradictory placement is refused with 400. */
export function validateXFleet(x: XFleet): string | undefined {
  for (const peer of x.machineOf) {
    const hit = x.conflicts.find((c) => globMatch(c, peer));
    if (hit) return `unresolvable requirements: peer "${peer}" matches conflict "${hit}"`;
  }
  const peers = x.machineOf.length > 0;
  const conflicts = x.conflicts.length > 0;
  if (x.machineId && peers) return 'MachineID cannot be used with Peers';
  if (x.machineId && conflicts) return 'MachineID cannot be used with Conflicts';
  if (x.machineId && x.global) return 'MachineID cannot be used with Global';
  if (x.global && peers) return 'Global cannot be used with Peers';
  if (x.global && conflicts) return 'Global cannot be used with Conflicts';
  return undefined;
}

/** fleet's api.ValidateName (systemd's unit_name_is_valid). */
export function validateUnitName(name: string): string | undefined {
  if (name.length === 0) return 'unit name cannot be empty';
  if (name.length > 256) return 'unit name exceeds maximum length (256)';
  const dot = name.lastIndexOf('.');
  if (dot === -1) return 'unit name must contain "."';
  if (dot === name.length - 1) return 'unit name cannot end in "."';
  const suffix = name.slice(dot + 1);
  const types = ['service', 'socket', 'busname', 'target', 'snapshot', 'device', 'mount', 'automount', 'swap', 'timer', 'path', 'slice', 'scope'];
  if (!types.includes(suffix)) return `invalid unit type: "${suffix}"`;
  const bad = [...name.slice(0, dot)].find((c) => !/[A-Za-z0-9:\-_.\\@]/.test(c));
  if (bad !== undefined) return `invalid character '${bad}' in unit name`;
  if (name.startsWith('@')) return 'unit name cannot start in "@"';
  return undefined;
}
