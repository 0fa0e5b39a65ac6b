import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBullmqWorker, type WorkerHandle } from '../../src/adapters/bullmq/bullmq-worker.js';
import { runConsoleSession } from '../../src/adapters/console/console-session.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { handleAction } from '../../src/commands/handle-action.js';
import { handleCommand } from '../../src/commands/handle-command.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import { uniqueName } from '../harness/unique.js';

describe('devbot console (script mode): the same pipeline, printed as text', () => {
  let deps: BuiltDeps;
  let worker: WorkerHandle;

  beforeAll(() => {
    const config = loadConfig({
      files: ['config/demo.yaml'],
      documents: [`redis: { prefix: ${uniqueName('console')} }\njobs: { queue: ${uniqueName('q')} }\nenvironments:\n  local: { etcd: { endpoints: [${inject('etcd').endpoints.join(', ')}] } }`],
      env: { DEVBOT_REDIS_URL: inject('redisUrl') },
    });
    deps = buildDeps(config, silentLogger());
    worker = startBullmqWorker(deps);
  });

  afterAll(async () => {
    await worker?.close();
    await deps?.close();
  });

  async function runScript(lines: string[], user = 'demo') {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (d: Buffer) => (printed += d.toString()));
    input.end(lines.map((l) => `${l}\n`).join(''));
    const code = await runConsoleSession({
      redisUrl: deps.config.redis.url, prefix: deps.config.redis.prefix, user, channel: 'ops', queue: deps.queue,
      handleCommand: (i) => handleCommand(i, deps), handleAction: (i) => handleAction(i, deps), input, output, interactive: false,
    });
    return { code, printed };
  }

  it('prints the status report that a worker posted, then exits 0 at EOF', async () => {
    const { code, printed } = await runScript(['/dev status']);
    expect(code).toBe(0);
    expect(printed).toMatch(/Queued as job status-/);
    expect(printed).toContain('Status of local');
    expect(printed).toMatch(/etcd: 3\/3 members up/);
  });

  it('lists what this user may run, and goes through the same ACL as Slack', async () => {
    const ok = await runScript(['/dev help']);
    expect(ok.printed).toContain('status');
    const denied = await runScript(['/dev status'], 'mallory');
    expect(denied.printed).toMatch(/not allowed/);
    expect(denied.printed).not.toContain('Status of local');
  });
});
