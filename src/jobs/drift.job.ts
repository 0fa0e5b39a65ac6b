import { z } from 'zod';
import { renderDrift } from '../render/converge-drift.js';
import { catalogUnits, driftCounts, findDrift, hasDrift } from '../units/catalog-drift.js';
import { fleetContext } from './deploy/fleet-context.js';
import type { JobKind } from './job-kind.js';

const payloadSchema = z.object({ environment: z.string() });

/** `/dev drift`: read-only; compares fleet's units with what the catalog renders (as the catalog-drift alert does). */
export const driftJob: JobKind<z.infer<typeof payloadSchema>> = {
  kind: 'drift',
  payloadSchema,
  title: (p) => `Drift of ${p.environment} from the catalog`,
  async run(payload, ctx) {
    const fc = fleetContext(ctx.deps, payload.environment);
    const drift = findDrift(catalogUnits(fc.catalog), await fc.scheduler.units({ signal: ctx.signal }));
    const summary = hasDrift(drift) ? `fleet differs from the catalog: ${driftCounts(drift)}` : 'No drift: fleet runs what the catalog says.';
    await ctx.progress.finish('succeeded', summary, renderDrift(payload.environment, drift));
  },
};
