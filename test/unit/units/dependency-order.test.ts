import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { criticalPath, dependencyGraph, dependencyOrder, findCycle } from '../../../src/units/dependency-order.js';
import { loadCatalog, parseCatalog } from '../../../src/units/load-catalog.js';

const catalog = loadCatalog('config/services.yaml');

describe('dependencyGraph and dependencyOrder (the full catalog)', () => {
  it('reads after, requires and machineOf, naming catalog services only (docker.service is systemd\'s)', () => {
    const graph = dependencyGraph(catalog);
    expect(graph['gerrit']).toEqual(['btsync', 'postgres-ambassador']);
    expect(graph['rest-proxy-maps']).toEqual(['redis-ambassador']);
    expect(graph['php-app']).toEqual(['btsync']);
    expect(graph['btsync']).toEqual([]);
    expect(Object.keys(graph).sort()).toEqual(Object.keys(catalog.services).sort());
  });

  it('puts every service after what it needs, ambassadors and btsync first', () => {
    const graph = dependencyGraph(catalog);
    const order = dependencyOrder(graph);
    for (const [service, needs] of Object.entries(graph)) for (const n of needs) expect(order.indexOf(n), `${n} before ${service}`).toBeLessThan(order.indexOf(service));
    expect(order.slice(0, 3).sort()).toEqual(['btsync', 'postgres-ambassador', 'redis-ambassador']);
  });

  it('follows machineOf and unit names of catalog services', () => {
    const c = parseCatalog(`
services:
  db: { image: team/db, version: "1" }
  side: { image: team/side, version: "1", after: [db.service], placement: { machineOf: db } }
  pool: { image: team/pool, version: "1", instances: 2 }
  user: { image: team/user, version: "1", after: ["pool@1.service"] }
`);
    expect(dependencyGraph(c)).toEqual({ db: [], side: ['db'], pool: [], user: ['pool'] });
    expect(dependencyOrder(dependencyGraph(c))).toEqual(['db', 'pool', 'side', 'user']);
  });
});

describe('dependency cycles', () => {
  const cyclic = `
services:
  a: { image: team/a, version: "1", after: [c] }
  b: { image: team/b, version: "1", after: [a] }
  c: { image: team/c, version: "1", after: [b] }
  d: { image: team/d, version: "1" }
`;

  it('are a config error of the catalog naming the cycle', () => {
    expect(() => parseCatalog(cyclic, 'cyclic.yaml')).toThrow(ConfigError);
    expect(() => parseCatalog(cyclic, 'cyclic.yaml')).toThrow('services: dependency cycle a → c → b → a (after, requires or machineOf): none of them could start first');
  });

  it('are found and refused by the ordering itself', () => {
    const graph = { a: ['c'], b: ['a'], c: ['b'], d: [] };
    expect(findCycle(graph)).toEqual(['a', 'c', 'b', 'a']);
    expect(() => dependencyOrder(graph)).toThrow(/dependency cycle: a → c → b → a\./);
    expect(findCycle({ x: ['y'], y: [] })).toBeUndefined();
  });
});

describe('criticalPath', () => {
  const graph = { amb: [], sync: [], app: ['amb', 'sync'], web: ['app'], solo: [] };
  const ms = { amb: 100, sync: 300, app: 200, web: 100, solo: 50 };

  it('is the longest chain when nothing waits for a slot', () => {
    expect(criticalPath(graph, ms, 10)).toEqual({ ms: 600, path: ['sync', 'app', 'web'] });
  });

  it('grows when the parallelism makes services wait for a slot', () => {
    expect(criticalPath(graph, ms, 1).ms).toBe(750);
    expect(criticalPath(graph, ms, 2).ms).toBe(600);
  });
});
