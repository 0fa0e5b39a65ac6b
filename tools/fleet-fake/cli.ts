/**
 * The fleet fake on its own, for the demo or for poking at with curl:
 *   node --import tsx tools/fleet-fake/cli.ts [--port 49153] [--start-ms 1500] [--report-lag-ms 200] [--stale-state-ms 2000]
 * Prints one JSON line ({url, machines}) on stdout once it listens; stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { DEMO_MACHINES, startFleetFake } from './index.js';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, 'start-ms': { type: 'string', default: '1500' }, 'schedule-ms': { type: 'string', default: '300' }, 'report-lag-ms': { type: 'string', default: '0' }, 'stale-state-ms': { type: 'string', default: '0' } },
});
const fake = await startFleetFake({
  machines: DEMO_MACHINES,
  port: Number(values.port),
  timings: { startMs: Number(values['start-ms']), scheduleMs: Number(values['schedule-ms']), reportLagMs: Number(values['report-lag-ms']), staleStateMs: Number(values['stale-state-ms']) },
});
process.stdout.write(`${JSON.stringify({ url: fake.url, machines: fake.machines })}\n`);
const stop = () => void fake.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
