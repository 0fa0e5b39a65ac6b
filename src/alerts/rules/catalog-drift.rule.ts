import { driftCounts, driftLines, findDrift, hasDrift } from '../../units/catalog-drift.js';
import type { AlertRule } from '../rule.js';

/**
 * fleet no longer runs what the catalog says: unit files that differ from what it renders, catalog
 * services without units, units it does not know. After an etcd restore (fleet's units are gone)
 * or a hand-made change, `/dev converge` (the alert's button) brings fleet back.
 */
export const catalogDrift: AlertRule = {
  name: 'catalog-drift',
  severity: 'warning',
  forMs: 10 * 60_000,
  kind: 'condition',
  appliesTo: (config) => config.fleet !== undefined,
  evaluate(s) {
    if (!s.fleet || !s.catalog || 'error' in s.catalog) return [];
    const drift = findDrift(s.catalog, s.fleet.units);
    if (!hasDrift(drift)) return [];
    return [{
      subject: 'catalog',
      summary: `fleet in ${s.environment} differs from the service catalog: ${driftCounts(drift)}`,
      details: driftLines(drift),
      advice: `\`/dev converge --env ${s.environment}\` (the Converge button) rolls fleet back to the catalog, service by service; \`--prune\` also removes the units it does not know. \`/dev drift --env ${s.environment}\` lists the differences again.`,
      command: { label: 'Converge', text: `converge --env ${s.environment}` },
    }];
  },
};
