import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureInstalled } from './ensure-installed.js';
import { freezeMember, startMember, stopAll, stopMember, thawMember } from './members.js';
import { isAlive } from './processes.js';
import { replaceMember } from './replace-member.js';
import { startLocalCluster } from './start-local-cluster.js';
import { readState } from './state.js';

const USAGE = `usage: local-cluster start [--keep]
       local-cluster stop-member <name> [--signal SIGTERM] --state <file>
       local-cluster start-member|freeze|thaw <name> --state <file>
       local-cluster replace <name> --state <file> [--config <file>]
       local-cluster status|stop-all --state <file>`;

/** Runs the local-cluster CLI; returns the exit code. `start` stays in the foreground until SIGINT/SIGTERM. */
export async function runLocalClusterCli(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { state: { type: 'string' }, signal: { type: 'string' }, keep: { type: 'boolean' }, config: { type: 'string' } },
  });
  const [verb, name] = positionals;
  if (verb === 'start') return runInForeground(values.keep ?? false, out);
  const state = values.state;
  if (!state) throw new Error(`--state <file> is required\n${USAGE}`);
  const needName = (): string => {
    if (!name) throw new Error(`${verb ?? ''} needs a member name\n${USAGE}`);
    return name;
  };
  switch (verb) {
    case 'stop-member': await stopMember(state, needName(), (values.signal ?? 'SIGKILL') as NodeJS.Signals); break;
    case 'start-member': await startMember(state, needName()); break;
    case 'freeze': await freezeMember(state, needName()); break;
    case 'thaw': await thawMember(state, needName()); break;
    case 'replace': await replaceMember(state, needName(), { ...(values.config ? { configFile: values.config } : {}), out }); break;
    case 'stop-all': await stopAll(state); break;
    case 'status':
      for (const p of readState(state).processes) {
        out(`${p.name}\tpid ${p.pid}\t${p.status}\t${isAlive(p.pid, p.argv[0]) ? 'alive' : 'dead'}\tport ${p.port}`);
      }
      break;
    default: throw new Error(USAGE);
  }
  return 0;
}

async function runInForeground(keepDir: boolean, out: (line: string) => void): Promise<number> {
  ensureInstalled({ log: out });
  const cluster = await startLocalCluster({ keepDir });
  out(JSON.stringify({ redisUrl: cluster.redisUrl, etcd: cluster.etcd, stateFile: cluster.stateFile }, null, 2));
  out('running; Ctrl-C stops everything');
  // The cluster's processes are detached and unref'd; this timer is what keeps us (their owner) alive.
  const keepAlive = setInterval(() => {}, 2 ** 30);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  out(`${signal}: stopping`);
  await cluster.stop();
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runLocalClusterCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
