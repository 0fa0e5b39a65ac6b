/**
 * Entry point of the devbot processes that integration tests spawn: `devbot serve` or `devbot
 * worker` exactly as src/cli runs them, with one scripted job kind registered under 'deploy'
 * (recorded-steps-job.ts), so `/dev deploy <svc> [--version <steps>x<ms>]` runs it.
 *
 *   node --import tsx test/harness/devbot-test-process.ts <serve|worker> <settings.json>
 *
 * settings.json is `{ "env": { "DEVBOT_CONFIG": …, "DEVBOT_REDIS_URL": …, … } }`, laid over
 * process.env before the config is read (so a DEVBOT_* variable of the test runner's shell never
 * leaks in). Started directly with node, not through the tsx CLI, so a SIGKILL hits the real process.
 */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../src/adapters/redis/connect-redis.js';
import { runServe } from '../../src/cli/serve.js';
import { runWorker } from '../../src/cli/worker.js';
import type { Deps } from '../../src/deps.js';
import { JOB_KINDS } from '../../src/jobs/kinds.js';
import { createRecordedStepsKind } from './recorded-steps-job.js';

const [role, settingsFile] = process.argv.slice(2);
if ((role !== 'serve' && role !== 'worker') || !settingsFile) {
  process.stderr.write('usage: devbot-test-process.ts <serve|worker> <settings.json>\n');
  process.exit(2);
}
const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as { env: Record<string, string> };
Object.assign(process.env, settings.env);

let redis: Redis | undefined;
const scripted = createRecordedStepsKind('deploy', (url) => (redis ??= connectRedis(url, 'consumer')));
const jobKinds: Deps['jobKinds'] = { ...JOB_KINDS, deploy: scripted as unknown as Deps['jobKinds'][string] };

const file = process.env['DEVBOT_CONFIG'];
await (role === 'serve' ? runServe(file, { jobKinds }) : runWorker(file, { jobKinds }));
