import type { Deps } from '../deps.js';
import { loadCatalog } from '../units/load-catalog.js';

/**
 * Every plain env value of the environment's catalog, by variable name, for scrubOutput (which
 * keeps those with secret-looking names). An unreadable catalog gives none: the token shapes are
 * still scrubbed, and logs stay readable when the catalog is what is broken.
 */
export function catalogEnv(deps: Pick<Deps, 'config'>, environment: string): Record<string, string> {
  const fleet = deps.config.environments[environment]?.fleet;
  if (!fleet) return {};
  try {
    const out: Record<string, string> = {};
    for (const spec of Object.values(loadCatalog(fleet.catalog).services)) {
      for (const [name, value] of Object.entries(spec.env)) if (typeof value === 'string') out[name] = value;
    }
    return out;
  } catch {
    return {};
  }
}
