import type { ScheduledUnit } from '../ports/scheduler.js';
import type { Catalog } from './catalog-schema.js';
import { renderService } from './render-units.js';
import { hashUnit } from './serialize-unit.js';

/** A catalog's units as deploy submits them (name, service, fleet's hash): what fleet is compared with. */
export interface CatalogUnits {
  services: string[];
  units: Array<{ name: string; service: string; hash: string }>;
}

/** Where fleet differs from the catalog. */
export interface Drift {
  /** Units whose file in fleet is not the one the catalog renders (another version, an edited catalog, a hand-made change). */
  changed: Array<{ unit: string; service: string }>;
  /** Catalog services missing units in fleet: all of them (`units` is every unit), or some (scaled up). */
  missing: Array<{ service: string; units: string[]; none: boolean }>;
  /** Units fleet has that the catalog does not render (unknown services, or scaled down). */
  unknown: string[];
}

/** Renders every service the way deploy and converge do (the catalog's versions). Pure. */
export function catalogUnits(catalog: Catalog): CatalogUnits {
  const services = Object.keys(catalog.services).sort();
  return { services, units: services.flatMap((s) => renderService(s, catalog).map((u) => ({ name: u.name, service: s, hash: u.hash }))) };
}

/** Compares fleet's units with the catalog's. Pure. */
export function findDrift(catalog: CatalogUnits, units: ScheduledUnit[]): Drift {
  const inFleet = new Map(units.map((u) => [u.name, u]));
  const wanted = new Set(catalog.units.map((u) => u.name));
  const changed = catalog.units.filter((u) => inFleet.has(u.name) && hashUnit(inFleet.get(u.name)!.options) !== u.hash).map((u) => ({ unit: u.name, service: u.service }));
  const missing = catalog.services.flatMap((service) => {
    const mine = catalog.units.filter((u) => u.service === service);
    const absent = mine.filter((u) => !inFleet.has(u.name)).map((u) => u.name);
    return absent.length ? [{ service, units: absent, none: absent.length === mine.length }] : [];
  });
  const unknown = units.filter((u) => !wanted.has(u.name)).map((u) => u.name).sort();
  return { changed, missing, unknown };
}

export const hasDrift = (d: Drift): boolean => d.changed.length + d.missing.length + d.unknown.length > 0;

/** One line per difference, for the drift job, the alert's details and the thread. */
export function driftLines(d: Drift): string[] {
  return [
    ...d.changed.map((c) => `${c.unit}: its unit file differs from what the catalog renders for ${c.service}`),
    ...d.missing.map((m) => (m.none ? `${m.service}: in the catalog, no units in fleet` : `${m.service}: missing ${m.units.join(', ')}`)),
    ...d.unknown.map((u) => `${u}: fleet runs it, the catalog does not know it`),
  ];
}

/** "2 units differ, 1 service without units, 1 unknown unit". */
export function driftCounts(d: Drift): string {
  const n = (k: number, one: string, many: string) => (k ? [`${k} ${k === 1 ? one : many}`] : []);
  return [
    ...n(d.changed.length, 'unit differs', 'units differ'),
    ...n(d.missing.filter((m) => m.none).length, 'service has no units', 'services have no units'),
    ...n(d.missing.filter((m) => !m.none).length, 'service misses units', 'services miss units'),
    ...n(d.unknown.length, 'unit unknown to the catalog', 'units unknown to the catalog'),
  ].join(', ');
}
