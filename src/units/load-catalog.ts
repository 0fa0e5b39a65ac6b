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
 * without restarting workers. Throws ConfigError.
 */
export function loadCatalog(file: string): Catalog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`Cannot read the service catalog ${file}: ${(e as Error).message}`);
  }
  return parseCatalog(text, file);
}
