import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatUnits } from '../../../src/cli/render-units.js';
import { loadCatalog } from '../../../src/units/load-catalog.js';
import { renderCatalog } from '../../../src/units/render-units.js';

/**
 * Golden files: every unit the catalogs render, byte for byte. After an intended change, rewrite
 * them with `UPDATE_GOLDEN=1 npx vitest run test/unit/units/golden.test.ts` and review the diff.
 */
const GOLDEN = 'test/golden/units';
const CATALOGS = { services: 'config/services.yaml', 'edge-cases': 'test/unit/units/fixtures/edge-cases.yaml' };
const update = process.env['UPDATE_GOLDEN'] === '1';

describe.each(Object.entries(CATALOGS))('golden units of %s', (name, file) => {
  const units = renderCatalog(loadCatalog(file));
  const dir = join(GOLDEN, name);
  if (update) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const u of units) writeFileSync(join(dir, u.name), u.text);
  }

  it('renders exactly the units that have golden files', () => {
    expect(units.map((u) => u.name).sort()).toEqual(readdirSync(dir).sort());
  });

  it.each(units.map((u) => [u.name, u] as const))('%s matches its golden file', (unitName, u) => {
    const golden = join(dir, unitName);
    expect(existsSync(golden), `${golden} is missing; run with UPDATE_GOLDEN=1`).toBe(true);
    expect(u.text).toBe(readFileSync(golden, 'utf8'));
  });
});

describe('devbot render units', () => {
  it('prints a template once, naming its instances', () => {
    const out = formatUnits(renderCatalog(loadCatalog(CATALOGS['edge-cases'])));
    expect(out).toMatch(/^# worker@\.service — instances worker@1\.service, worker@2\.service, worker@3\.service \(hash [0-9a-f]{12}\)$/m);
    expect(out).not.toMatch(/^# worker@1\.service/m);
  });
});
