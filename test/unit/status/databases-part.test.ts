import { describe, expect, it } from 'vitest';
import { createEtcdElections } from '../../../src/adapters/etcd/etcd-elections.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { silentLogger } from '../../../src/log.js';
import type { StatusContext } from '../../../src/ports/status.js';
import { databasesPart } from '../../../src/status/parts/databases.part.js';
import { freePorts } from '../../../tools/local-cluster/free-port.js';

describe('the databases part of /dev status when etcd does not answer', () => {
  it('says in words that etcd has no quorum, not gRPC\'s deadline text', async () => {
    const endpoints = (await freePorts(3)).map((p) => `http://127.0.0.1:${p}`);
    const config = loadConfig({ documents: [`environments:\n  prod:\n    etcd: { endpoints: [${endpoints.join(', ')}] }\n    databases:\n      postgres: { electionPrefix: postgres, candidates: 3 }\n`] });
    const elections = createEtcdElections({ endpoints, callTimeoutMs: 300, log: silentLogger() });
    try {
      const section = await databasesPart.collect({ environment: 'prod', config, elections, signal: new AbortController().signal } as unknown as StatusContext);
      expect(section.level).toBe('critical');
      expect(section.lines).toEqual([{ label: 'postgres', value: 'could not be read: etcd has no quorum (no member answered), so the election cannot be read', level: 'critical' }]);
      expect(JSON.stringify(section)).not.toMatch(/DEADLINE_EXCEEDED|UNAVAILABLE|ECONNREFUSED|name resolution/);
    } finally {
      await elections.close();
    }
  });
});
