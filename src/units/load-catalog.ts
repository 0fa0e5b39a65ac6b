import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError } from '../errors.js';
import { catalogSchema, type Catalog } from './catalog-schema.js';
import { checkCatalog } from './check-catalog.js';

/** Validates catalog YAML text. Throws ConfigError with `path: problem` lines. */
export function parseCatalog(yamlText: string, origin = 'the service catalog'): Catalog {
  let raw: unknown;
  try {
    raw = parse(yamlText);
  } catch (e) {
    throw new ConfigError(`${origin} is not valid YAML: ${(e as Error).message}`);
  }
  const parsed = catalogSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new ConfigError(`${origin} is invalid:`, parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`));
  }
  const problems = checkCatalog(parsed.data);
  if (problems.length) throw new ConfigError(`${origin} is inconsistent:`, problems);
  return parsed.data;
}

/**
 * Reads the catalog file afresh on every call, so an edited catalog applies to the next deploy
 * without restarting workers. Throws ConfigError. With `defaults`, an environment's settings fill
 * what a service leaves out (its `startTimeoutMs`, from `fleet.startTimeoutMs`), so every reader of
 * that environment's catalog (deploy, converge, drift, alerts) renders the same unit files.
 */
export function loadCatalog(file: string, defaults: { startTimeoutMs?: number } = {}): Catalog {
  const catalog = readCatalogFile(file);
  if (defaults.startTimeoutMs === undefined) return catalog;
  const services = Object.fromEntries(Object.entries(catalog.services).map(([name, spec]) => [name, { ...spec, startTimeoutMs: spec.startTimeoutMs ?? defaults.startTimeoutMs }]));
  return { ...catalog, services };
}

function readCatalogFile(file: string): Catalog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`Cannot read the service catalog ${file}: ${(e as Error).message}`);
  }
  return parseCatalog(text, file);
}
