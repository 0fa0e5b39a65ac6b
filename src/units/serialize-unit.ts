import { createHash } from 'node:crypto';
import type { UnitOption } from '../ports/scheduler.js';

/**
 * A unit file's text, byte for byte as go-systemd's `unit.Serialize` writes it (which is what
 * fleet hashes): sections in order of first appearance, `Name=Value` lines, a blank line between
 * sections.
 */
export function serializeUnit(options: readonly UnitOption[]): string {
  const sections = new Map<string, UnitOption[]>();
  for (const o of options) sections.set(o.section, [...(sections.get(o.section) ?? []), o]);
  return [...sections].map(([name, opts]) => `[${name}]\n${opts.map((o) => `${o.name}=${o.value}\n`).join('')}`).join('\n');
}

/** fleet's unit hash: SHA-1 of the serialized unit file, hex. Equal hashes mean the same unit. */
export function hashUnit(options: readonly UnitOption[]): string {
  return createHash('sha1').update(serializeUnit(options)).digest('hex');
}
