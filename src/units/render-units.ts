import type { UnitOption } from '../ports/scheduler.js';
import type { Catalog, ServiceSpec } from './catalog-schema.js';
import { execArg, execArgWithSpecifier } from './exec-args.js';
import { hashUnit, serializeUnit } from './serialize-unit.js';
import { isTemplated, unitNamesOf, unitRef } from './unit-names.js';

/** One unit devbot submits to fleet. Instances of a template carry the template's options, as fleetctl submits them. */
export interface RenderedUnit {
  name: string;
  service: string;
  /** 'template' is submitted but never scheduled; 'unit' runs. */
  role: 'template' | 'unit';
  options: UnitOption[];
  /** The unit file text (go-systemd serialization). */
  text: string;
  /** fleet's hash of it. */
  hash: string;
}

/** What rendering takes from the environment rather than the catalog. */
export interface RenderOptions {
  /** The environment's `fleet.startTimeoutMs`: a service's TimeoutStartSec= unless it sets `startTimeoutMs`. */
  startTimeoutMs?: number;
}

/** fleet.startTimeoutMs's own default, for rendering without an environment (`devbot render units`). */
export const DEFAULT_START_TIMEOUT_MS = 5 * 60_000;

const unique = (xs: string[]) => [...new Set(xs)];

/** A systemd time span: `5min`, `90s`, `1500ms`. */
export function systemdTimespan(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}min`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function dockerRun(service: string, spec: ServiceSpec, version: string, docker: string): { name: string; image: string; run: string } {
  const name = isTemplated(spec) ? execArgWithSpecifier(`${service}-%i`) : execArg(service);
  const image = execArg(`${spec.image}:${version}`);
  const env = Object.entries(spec.env).map(([k, v]) => (typeof v === 'object' ? execArg(k) : execArg(`${k}=${String(v)}`)));
  const args = [
    docker, 'run', '--rm', '--name', name,
    ...spec.ports.flatMap((p) => ['-p', execArg(p)]),
    ...spec.volumes.flatMap((v) => ['-v', execArg(v)]),
    ...env.flatMap((e) => ['-e', e]),
    ...spec.dockerArgs.map(execArg),
    image,
    ...spec.command.map(execArg),
  ];
  return { name, image, run: args.join(' ') };
}

function placementOptions(service: string, spec: ServiceSpec, catalog: Catalog): UnitOption[] {
  const p = spec.placement;
  const fleet = (name: string, value: string): UnitOption => ({ section: 'X-Fleet', name, value });
  const metadata = Object.entries(p.machineMetadata).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => fleet('MachineMetadata', `${k}=${x}`)));
  const conflicts = unique([...(isTemplated(spec) && p.spread ? [`${service}@*.service`] : []), ...p.conflicts]);
  return [
    ...metadata,
    ...conflicts.map((c) => fleet('Conflicts', c)),
    ...(p.machineOf ? [fleet('MachineOf', unitRef(p.machineOf, catalog))] : []),
    ...(p.global ? [fleet('Global', 'true')] : []),
  ];
}

/** How long the service's unit may take to start: its own `startTimeoutMs`, else the environment's. */
export function startTimeoutOf(spec: ServiceSpec, opts: RenderOptions = {}): number {
  return spec.startTimeoutMs ?? opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
}

/** The options of a service's unit (or template) at `version`. Pure. */
export function unitOptions(service: string, spec: ServiceSpec, catalog: Catalog, version: string, opts: RenderOptions = {}): UnitOption[] {
  const d = catalog.defaults;
  const { name, image, run } = dockerRun(service, spec, version, d.docker);
  const unitSection = (n: string, value: string): UnitOption => ({ section: 'Unit', name: n, value });
  const svc = (n: string, value: string): UnitOption => ({ section: 'Service', name: n, value });
  // Description expands specifiers too: the catalog's text is escaped, the instance is wanted.
  const what = `${(spec.description ?? service).replace(/%/g, '%%')} (${service} ${version}${isTemplated(spec) ? ', instance %i' : ''})`;
  const after = unique([...d.after, ...spec.after.map((r) => unitRef(r, catalog))]);
  const requires = unique([...d.requires, ...spec.requires.map((r) => unitRef(r, catalog))]);
  const secrets = unique(Object.values(spec.env).flatMap((v) => (typeof v === 'object' ? [v.secret] : [])));
  return [
    unitSection('Description', what),
    ...(after.length ? [unitSection('After', after.join(' '))] : []),
    ...(requires.length ? [unitSection('Requires', requires.join(' '))] : []),
    svc('TimeoutStartSec', systemdTimespan(startTimeoutOf(spec, opts))),
    svc('Restart', 'always'),
    svc('RestartSec', '10'),
    ...secrets.map((s) => svc('EnvironmentFile', `${d.secretsDir}/${s}.env`)),
    svc('ExecStartPre', `-${d.docker} rm -f ${name}`),
    svc('ExecStartPre', `${d.docker} pull ${image}`),
    svc('ExecStart', run),
    svc('ExecStop', `${d.docker} stop ${name}`),
    ...placementOptions(service, spec, catalog),
  ];
}

function rendered(name: string, service: string, role: RenderedUnit['role'], options: UnitOption[]): RenderedUnit {
  return { name, service, role, options, text: serializeUnit(options), hash: hashUnit(options) };
}

/** Every unit of one service at `version` (the catalog's own version when not given): template first, then instances. */
export function renderService(service: string, catalog: Catalog, version?: string, opts: RenderOptions = {}): RenderedUnit[] {
  const spec = catalog.services[service];
  if (!spec) throw new Error(`no service '${service}' in the catalog`);
  const options = unitOptions(service, spec, catalog, version ?? spec.version, opts);
  const names = unitNamesOf(service, spec);
  return [...(names.template ? [rendered(names.template, service, 'template', options)] : []), ...names.instances.map((n) => rendered(n, service, 'unit', options))];
}

/** Every unit of the catalog, services in name order. */
export function renderCatalog(catalog: Catalog, opts: RenderOptions = {}): RenderedUnit[] {
  return Object.keys(catalog.services).sort().flatMap((s) => renderService(s, catalog, undefined, opts));
}
