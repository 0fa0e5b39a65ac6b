/**
 * fleet's unit hash, written from its own definition and nothing of devbot's: coreos/fleet
 * `unit/unit.go` hashes a unit as `sha1.Sum(u.Bytes())`, where `Bytes()` is go-systemd's
 * `unit.Serialize(u.Options)`; `/fleet/v1/state` reports it as 40 lowercase hex digits.
 */
import { createHash } from 'node:crypto';

export interface HashedOption {
  section: string;
  name: string;
  value: string;
}

/**
 * go-systemd's `unit.Serialize`: options grouped by section, the sections in the order each first
 * appears and the options in the order given; each section is `[Name]` and a newline, then one
 * `Name=Value` and a newline per option; sections are separated by one empty line (none after the
 * last). No options at all serialize to nothing.
 */
export function serializeUnitFile(options: readonly HashedOption[]): string {
  const order: string[] = [];
  const bySection = new Map<string, HashedOption[]>();
  for (const o of options) {
    if (!bySection.has(o.section)) {
      order.push(o.section);
      bySection.set(o.section, []);
    }
    bySection.get(o.section)!.push(o);
  }
  let out = '';
  order.forEach((section, i) => {
    out += `[${section}]\n`;
    for (const o of bySection.get(section)!) out += `${o.name}=${o.value}\n`;
    if (i < order.length - 1) out += '\n';
  });
  return out;
}

/** `UnitFile.Hash()`: SHA-1 of the serialized unit's UTF-8 bytes, as hex. */
export function unitHash(options: readonly HashedOption[]): string {
  return createHash('sha1').update(Buffer.from(serializeUnitFile(options), 'utf8')).digest('hex');
}
