/**
 * The README's "new cluster" walk-through on the demo: `printf '/dev converge --yes\n/dev status\n'
 * | npm run demo` brings the whole catalog up on the demo's fleet (six machines) and `/dev status`
 * then shows every service of config/services.yaml with all its instances active.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runProcess } from './support/shipped-devbot.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('acceptance: converge on the demo', () => {
  it('brings every service of the catalog up, in dependency order, and /dev status shows each one active', async () => {
    const services = Object.keys((parse(readFileSync('config/services.yaml', 'utf8')) as { services: Record<string, unknown> }).services);
    const run = await runProcess(NPM, ['run', '--silent', 'demo'], { input: '/dev converge --yes\n/dev status\n', timeoutMs: 240_000 });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/Converge of local — succeeded/);
    expect(run.stdout).toMatch(new RegExp(`local matches the catalog: ${services.length} services, \\d+ units active \\(${services.length} changed: `));
    for (const service of services) {
      expect(run.stdout, service).toMatch(new RegExp(`^✓ ${service} \\S+: active$`, 'm'));
      const line = new RegExp(`\\[OK\\] ${service}: (\\d+)/(\\d+) active`).exec(run.stdout);
      expect(line, `${service} in /dev status`).not.toBeNull();
      expect(line![1]).toBe(line![2]);
    }
    expect(run.stderr).toMatch(/stopped everything the demo started/);
  }, 270_000);
});
