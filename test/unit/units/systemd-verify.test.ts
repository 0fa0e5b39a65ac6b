import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/units/load-catalog.js';
import { renderCatalog, type RenderedUnit } from '../../../src/units/render-units.js';
import { onPath } from '../../../tools/local-cluster/ensure-installed.js';

/**
 * Every rendered unit passes `systemd-analyze verify` (Debian's systemd). The only complaints
 * allowed are about what this test machine lacks and the cluster's machines have: the docker
 * binary and units such as docker.service.
 */
const ABSENT_ON_TEST_MACHINE = [
  /: Command \/usr\/bin\/docker is not executable: No such file or directory$/,
  /: Failed to create \S+\/start: Unit (docker|etcd2|fleet|flanneld)\.service not found\.$/,
];

function ensureSystemdAnalyze(): void {
  if (onPath('systemd-analyze', process.env.PATH ?? '')) return;
  if (process.getuid?.() !== 0) throw new Error('systemd-analyze is missing: install Debian\'s systemd package (apt-get install systemd)');
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'systemd'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** The complaints about one unit file that are not about the test machine. */
function complaints(dir: string, file: string): string[] {
  const res = spawnSync('systemd-analyze', ['verify', '--man=no', join(dir, file)], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } });
  return `${res.stdout}\n${res.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !ABSENT_ON_TEST_MACHINE.some((p) => p.test(l)));
}

describe.each([
  ['config/services.yaml'],
  ['test/unit/units/fixtures/edge-cases.yaml'],
])('systemd-analyze verify: units of %s', (catalogFile) => {
  let dir: string;
  // Templates are verified as such; their instances carry the same text.
  const units: RenderedUnit[] = renderCatalog(loadCatalog(catalogFile)).filter((u) => u.role === 'template' || !u.name.includes('@'));

  beforeAll(() => {
    ensureSystemdAnalyze();
    dir = mkdtempSync(join(tmpdir(), 'devbot-units-'));
    // All in one directory, so a Requires= on another catalog unit resolves as it would on a machine.
    for (const u of units) writeFileSync(join(dir, u.name), u.text);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(units.map((u) => [u.name]))('%s has no complaints beyond absent docker', (name) => {
    expect(complaints(dir, name)).toEqual([]);
  });
});

describe('the complaint filter', () => {
  it('still reports a real mistake', () => {
    ensureSystemdAnalyze();
    const dir = mkdtempSync(join(tmpdir(), 'devbot-units-'));
    try {
      writeFileSync(join(dir, 'broken.service'), '[Service]\nRestartt=always\nExecStart=/usr/bin/docker run "unbalanced\n');
      writeFileSync(join(dir, 'typo.service'), '[Unit]\nRequires=dokcer.service\n[Service]\nExecStart=/usr/bin/docker run x\n');
      const said = complaints(dir, 'broken.service').join('\n');
      expect(said).toMatch(/Unknown key 'Restartt'/);
      expect(said).toMatch(/Unbalanced quoting/);
      expect(complaints(dir, 'typo.service').join('\n')).toMatch(/Unit dokcer\.service not found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
