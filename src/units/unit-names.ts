import type { Catalog, ServiceSpec } from './catalog-schema.js';

/** A service with several instances (and not global) becomes a template unit `name@.service`. */
export function isTemplated(spec: ServiceSpec): boolean {
  return spec.instances > 1 && !spec.placement.global;
}

/** The units of a service: its template (if any) and the units that run. */
export function unitNamesOf(service: string, spec: ServiceSpec): { template?: string; instances: string[] } {
  if (!isTemplated(spec)) return { instances: [`${service}.service`] };
  return { template: `${service}@.service`, instances: Array.from({ length: spec.instances }, (_, i) => `${service}@${i + 1}.service`) };
}

/** The service a unit belongs to: `gerrit@2.service` → gerrit, `redis.service` → redis. */
export function serviceOfUnit(unit: string): string {
  return unit.replace(/\.[a-z]+$/, '').replace(/@.*$/, '');
}

/** The instance part of a unit name (`2` of `gerrit@2.service`), or '' for a plain unit. */
export function instanceOfUnit(unit: string): string {
  const at = unit.indexOf('@');
  return at < 0 ? '' : unit.slice(at + 1).replace(/\.[a-z]+$/, '');
}

/** What a user typed as a unit: `gerrit@1` is read as `gerrit@1.service`. */
export function normalizeUnitName(input: string): string {
  return /\.(service|socket|timer|target|path|mount)$/.test(input) ? input : `${input}.service`;
}

/** A dependency as the catalog names it: a catalog service becomes its unit, anything else is a unit name already. */
export function unitRef(ref: string, catalog: Catalog): string {
  return catalog.services[ref] ? `${ref}.service` : ref;
}
