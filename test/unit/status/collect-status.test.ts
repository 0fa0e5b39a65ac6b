import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import type { StatusPart } from '../../../src/ports/status.js';
import { collectStatus } from '../../../src/status/collect-status.js';
import { createFakeCluster } from '../../fakes/fake-cluster.js';
import { createFakeElections } from '../../fakes/fake-elections.js';
import { createFakeQueue } from '../../fakes/fake-queue.js';

const config = loadConfig({ files: ['config/demo.yaml'] });
const ctx = { environment: 'local', config, cluster: createFakeCluster(), elections: createFakeElections(), queue: createFakeQueue() };
const ok = (name: string): StatusPart => ({ name, collect: async () => ({ title: name, level: 'ok', summary: 'fine', lines: [] }) });

describe('collectStatus', () => {
  it('keeps the other parts when one part throws', async () => {
    const broken: StatusPart = { name: 'stack', collect: async () => { throw new Error('AWS said no'); } };
    const sections = await collectStatus([ok('etcd'), broken, ok('queue')], ctx, 1000);
    expect(sections.map((s) => [s.title, s.level])).toEqual([['etcd', 'ok'], ['stack', 'critical'], ['queue', 'ok']]);
    expect(sections[1]!.summary).toContain('AWS said no');
  });

  it('comes back by the deadline when a part never answers, and aborts it', async () => {
    let aborted = false;
    const hung: StatusPart = {
      name: 'units',
      collect: (c) => new Promise((_, reject) => c.signal.addEventListener('abort', () => { aborted = true; reject(new Error('aborted')); })),
    };
    const started = Date.now();
    const sections = await collectStatus([ok('etcd'), hung], ctx, 300);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(sections[1]).toMatchObject({ title: 'units', level: 'critical' });
    expect(aborted).toBe(true);
  });
});
