import { describe, expect, it } from 'vitest';
import { collectSnapshot } from '../../../src/alerts/collect-snapshot.js';
import { loadConfig } from '../../../src/config/load-config.js';
import type { Elections } from '../../../src/ports/elections.js';
import { createFakeCluster } from '../../fakes/fake-cluster.js';

const config = loadConfig({
  documents: ['environments:\n  prod:\n    etcd: { endpoints: [http://127.0.0.1:23790] }\n    databases: { postgres: { electionPrefix: elections/postgres, candidates: 2 } }\n'],
});

/** An election read that never answers: what etcd does to a read while it has no quorum. */
const hangingElections = { read: () => new Promise(() => undefined) } as unknown as Elections;

function deps(cluster: ReturnType<typeof createFakeCluster>) {
  return {
    config, clusterFor: () => cluster, electionsFor: () => hangingElections, now: () => new Date(),
  } as unknown as Parameters<typeof collectSnapshot>[1];
}

describe('collectSnapshot', () => {
  it('does not hold the quorum verdict for the election reads, which cannot answer without quorum', async () => {
    const cluster = createFakeCluster();
    cluster.stopMembers(['e1', 'e2']);
    const started = Date.now();
    const snapshot = await collectSnapshot('prod', deps(cluster));
    expect(snapshot.etcd.hasQuorum).toBe(false);
    expect(snapshot.databases['postgres']).toEqual({ error: 'etcd has no quorum' });
    // Well inside the reads' own 1.5 s deadline.
    expect(Date.now() - started).toBeLessThan(1400);
  });

  it('with quorum, waits for the election read up to its deadline and reports it as not answering', async () => {
    const snapshot = await collectSnapshot('prod', deps(createFakeCluster()));
    expect(snapshot.etcd.hasQuorum).toBe(true);
    expect(snapshot.databases['postgres']).toEqual({ error: 'no answer within 1.5 s' });
  });
});
