import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBullmqQueue } from '../../src/adapters/bullmq/bullmq-queue.js';
import { connectRedis } from '../../src/adapters/redis/connect-redis.js';
import { redisTarget } from '../../src/adapters/redis/redis-url.js';
import { ConfigError } from '../../src/errors.js';
import { freePorts } from '../../tools/local-cluster/free-port.js';
import { isListening, waitFor } from '../../tools/local-cluster/wait-for.js';

describe('Redis through Sentinel (redis+sentinel:// URLs)', () => {
  it('reads sentinels, master name, password and db from the URL, and rejects a broken one clearly', () => {
    expect(redisTarget('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redisTarget('redis+sentinel://:s3cret@10.0.0.1:26379,10.0.0.2/mymaster/2')).toEqual({
      sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26379 }], name: 'mymaster', password: 's3cret', db: 2,
    });
    expect(() => redisTarget('redis+sentinel://10.0.0.1:26379')).toThrow(ConfigError);
  });

  describe('against a real redis-server and sentinel', () => {
    const procs: ChildProcess[] = [];
    let url = '';

    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'devbot-sentinel-'));
      const [redisPort = 0, sentinelPort = 0] = await freePorts(2);
      writeFileSync(join(dir, 'sentinel.conf'), `port ${sentinelPort}\nbind 127.0.0.1\nsentinel monitor devbot 127.0.0.1 ${redisPort} 1\n`);
      procs.push(spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--dir', dir], { stdio: 'ignore' }));
      procs.push(spawn('redis-server', [join(dir, 'sentinel.conf'), '--sentinel'], { stdio: 'ignore' }));
      await waitFor('redis and sentinel to listen', async () => (await isListening(redisPort)) && (await isListening(sentinelPort)), { timeoutMs: 10_000 });
      url = `redis+sentinel://127.0.0.1:${sentinelPort}/devbot`;
    });

    afterAll(() => {
      for (const p of procs) p.kill('SIGKILL');
    });

    it('finds the master through the sentinel and queues a job there', async () => {
      const direct = connectRedis(url, 'producer');
      const queue = createBullmqQueue({ redisUrl: url, prefix: 'sentinel-test', queueName: 'q', commandTimeoutMs: 3000 });
      try {
        await direct.set('devbot:sentinel-probe', 'ok');
        expect(await direct.get('devbot:sentinel-probe')).toBe('ok');
        const data = { kind: 'status', payload: {}, requestedBy: { user: 'U', channel: 'C', channelName: 'ops' }, environment: 'local', text: 'status', transport: { kind: 'slack' as const }, requestedAt: new Date(0).toISOString() };
        expect(await queue.enqueue(data, { jobId: 'sentinel-1' })).toEqual({ id: 'sentinel-1', duplicate: false });
        expect((await queue.counts()).waiting).toBe(1);
      } finally {
        await queue.close();
        direct.disconnect();
      }
    });
  });
});
