import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { Catalog } from '../units/catalog-schema.js';
import { TAG_PATTERN } from '../units/catalog-schema.js';
import { loadCatalog } from '../units/load-catalog.js';
import { renderService, type RenderedUnit } from '../units/render-units.js';

export interface RenderUnitsOptions {
  service?: string;
  catalog: string;
  version?: string;
  /** Write one file per unit into this directory instead of printing. */
  outDir?: string;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}

/** Printed form: one comment line naming the unit (and a template's instances), then its text. */
export function formatUnits(units: RenderedUnit[]): string {
  return units
    .filter((u) => u.role === 'template' || !u.name.includes('@'))
    .map((u) => {
      const instances = u.role === 'template' ? ` — instances ${units.filter((i) => i.service === u.service && i.role === 'unit').map((i) => i.name).join(', ')}` : '';
      return `# ${u.name}${instances} (hash ${u.hash.slice(0, 12)})\n${u.text}`;
    })
    .join('\n');
}

function selected(catalog: Catalog, service: string | undefined, version: string | undefined): RenderedUnit[] {
  if (service !== undefined && !catalog.services[service]) {
    throw new ConfigError(`No service '${service}' in the catalog. Known: ${Object.keys(catalog.services).sort().join(', ')}.`);
  }
  if (version !== undefined && !TAG_PATTERN.test(version)) throw new ConfigError(`'${version}' is not a docker tag.`);
  const names = service ? [service] : Object.keys(catalog.services).sort();
  return names.flatMap((s) => renderService(s, catalog, service ? version : undefined));
}

/** `devbot render units [service] [--version V] [--catalog file] [--out dir]`. Returns the exit code. */
export function runRenderUnits(opts: RenderUnitsOptions): number {
  const out = opts.out ?? process.stdout;
  const err = opts.err ?? process.stderr;
  try {
    const units = selected(loadCatalog(opts.catalog), opts.service, opts.version);
    if (opts.outDir) {
      mkdirSync(opts.outDir, { recursive: true });
      // Instances carry the template's text; fleetctl and systemd want only the template file.
      const files = units.filter((x) => x.role === 'template' || !x.name.includes('@'));
      for (const u of files) writeFileSync(join(opts.outDir, u.name), u.text);
      out.write(`wrote ${files.length} unit file(s) to ${opts.outDir}\n`);
    } else {
      out.write(formatUnits(units));
    }
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      err.write(`${e.userFacing}\n`);
      return 2;
    }
    throw e;
  }
}
