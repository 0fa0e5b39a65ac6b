/** etcd as an operator sees it from a shell: `etcdctl`, nothing of devbot's. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** How many candidates campaign in `election` (keys under `<election>/`), per `etcdctl get --prefix`. */
export async function candidateCount(endpoints: string[], election: string): Promise<number> {
  const { stdout } = await run('etcdctl', [`--endpoints=${endpoints.join(',')}`, 'get', '--prefix', '--keys-only', `${election}/`]);
  return stdout.split('\n').filter((l) => l.trim()).length;
}
