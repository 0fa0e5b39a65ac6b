import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { loadCatalog, parseCatalog } from '../../../src/units/load-catalog.js';
import { renderService } from '../../../src/units/render-units.js';
import { hashUnit, serializeUnit } from '../../../src/units/serialize-unit.js';
import { execArg } from '../../../src/units/exec-args.js';

/** The catalog's problems, as `devbot` would print them. */
function problems(yaml: string): string[] {
  try {
    parseCatalog(yaml);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.issues;
  }
}

const svc = (extra: string) => `services:\n  app:\n    image: team/app\n    version: "1"\n${extra}`;

describe('the service catalog', () => {
  it('config/services.yaml is valid and names the team\'s services', () => {
    const catalog = loadCatalog('config/services.yaml');
    expect(Object.keys(catalog.services)).toEqual(expect.arrayContaining(['gerrit', 'buildbot', 'mediawiki', 'postgres', 'redis', 'php-app', 'upload', 'sftp', 'rest-proxy-maps']));
  });

  it.each([
    ['an unknown dependency', svc('    after: [nope]\n'), "services.app.after: unknown service 'nope'"],
    [
      'a hard dependency on a service that may run elsewhere',
      `${svc('    requires: [db]\n')}  db:\n    image: team/db\n    version: "1"\n`,
      'services.app.requires: db may run on another machine',
    ],
    ['a secret given inline', svc('    env: { DB_PASSWORD: hunter2 }\n'), 'services.app.env.DB_PASSWORD: looks like a secret'],
    ['a global service with instances', svc('    instances: 2\n    placement: { global: true }\n'), 'services.app.instances: a global service runs once per machine'],
    ['Global with Conflicts', svc('    placement: { global: true, conflicts: [x.service] }\n'), 'fleet refuses Global with Conflicts'],
    ['an unknown placeholder', svc('    health: { http: "http://{host}:80/" }\n'), 'unknown placeholder {host}'],
  ])('refuses %s, saying where', (_what, yaml, expected) => {
    expect(problems(yaml).join('\n')).toContain(expected);
  });

  it.each([
    ['a health check with both http and command', svc('    health: { http: "http://{ip}/", command: ["true"] }\n'), 'services.app.health: give exactly one of http or command'],
    ['a bad port', svc('    ports: ["80-81"]\n'), 'services.app.ports.0: a port is'],
    ['a tag docker refuses', svc('').replace('version: "1"', 'version: "1 0"'), 'services.app.version: a docker tag'],
    ['an unknown field', svc('    replicas: 2\n'), 'Unrecognized key'],
    // A newline written into the unit would start a line of its own: here, a second [X-Fleet] option.
    ['a newline in a machineMetadata value', svc('    placement: { machineMetadata: { role: "main\\nGlobal=true" } }\n'), 'services.app.placement.machineMetadata.role: a metadata value: no spaces, newlines or control characters'],
    ['a space in a machineMetadata value (fleet splits on it)', svc('    placement: { machineMetadata: { role: [main, "worker disk=ssd"] } }\n'), 'services.app.placement.machineMetadata.role.1: a metadata value'],
    ['a control character in a volume', svc('    volumes: ["/srv/a\\u0007:/data"]\n'), 'services.app.volumes.0: no control characters'],
    ['a start timeout of zero', svc('    startTimeoutMs: 0\n'), 'services.app.startTimeoutMs'],
    ['a line separator in the description', svc('    description: "one\\u2028two"\n'), 'services.app.description: no control characters'],
    ['a newline in an env value', svc('    env: { MODE: "a\\nExecStartPre=/bin/evil" }\n'), 'services.app.env.MODE: no control characters'],
  ])('refuses %s in the schema', (_what, yaml, expected) => {
    expect(problems(yaml).join('\n')).toContain(expected);
  });
});

describe('rendering', () => {
  const catalog = loadCatalog('test/unit/units/fixtures/edge-cases.yaml');

  it('makes a template and N instances of a multi-instance service, sharing one hash', () => {
    const units = renderService('worker', catalog);
    expect(units.map((u) => `${u.name}:${u.role}`)).toEqual(['worker@.service:template', 'worker@1.service:unit', 'worker@2.service:unit', 'worker@3.service:unit']);
    expect(new Set(units.map((u) => u.hash)).size).toBe(1);
  });

  it('hashes the text fleet hashes (go-systemd serialization, SHA-1)', () => {
    const [unit] = renderService('agent', catalog);
    expect(unit!.text).toBe(serializeUnit(unit!.options));
    expect(unit!.hash).toBe(hashUnit(unit!.options));
    expect(unit!.hash).toMatch(/^[0-9a-f]{40}$/);
  });

  it('renders --version into the image tag and the description only', () => {
    const [a] = renderService('agent', catalog);
    const [b] = renderService('agent', catalog, '2');
    const differing = b!.options.filter((o, i) => o.value !== a!.options[i]!.value).map((o) => o.name);
    expect(differing).toEqual(['Description', 'ExecStartPre', 'ExecStart']);
    expect(b!.text).toContain('team/agent:2');
  });

  it("sets TimeoutStartSec= from the environment's fleet.startTimeoutMs, and from a service's own startTimeoutMs over it", () => {
    const timeout = (service: string, opts?: { startTimeoutMs?: number }) =>
      renderService(service, catalog, undefined, opts)[0]!.options.find((o) => o.name === 'TimeoutStartSec')?.value;
    expect(timeout('agent')).toBe('5min');
    expect(timeout('agent', { startTimeoutMs: 600_000 })).toBe('10min');
    expect(timeout('agent', { startTimeoutMs: 45_000 })).toBe('45s');
    expect(timeout('agent', { startTimeoutMs: 1_500 })).toBe('1500ms');
    expect(timeout('sidekick', { startTimeoutMs: 60_000 })).toBe('10min');
    expect(timeout('pair')).toBe('90500ms');
  });

  it('names secrets and their env file, never a value', () => {
    const [unit] = renderService('quoting', catalog);
    expect(unit!.text).toContain('EnvironmentFile=/run/secrets/quoting.env');
    expect(unit!.text).toMatch(/ -e API_TOKEN -e DB_PASSWORD /);
  });

  it.each([
    ['plain', 'plain'],
    ['with space', '"with space"'],
    ['100%', '100%%'],
    ['$HOME', '"$$HOME"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['', '""'],
  ])('quotes %j for ExecStart as %s', (value, expected) => {
    expect(execArg(value)).toBe(expected);
  });
});
