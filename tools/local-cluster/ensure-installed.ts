import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const BINARIES = ['redis-server', 'etcd', 'etcdctl'];
/** Debian/Ubuntu packages providing them. redis-server's package may also start a system Redis on
 * 6379; the local cluster never uses that port (it always takes free ports). */
const PACKAGES = ['redis-server', 'etcd-server', 'etcd-client'];

export function onPath(binary: string, path: string): boolean {
  return path.split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, binary), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface EnsureInstalledOptions {
  log?: (line: string) => unknown;
  /** PATH to search; defaults to process.env.PATH. */
  path?: string;
  isRoot?: boolean;
  /** Runs a command to completion, throwing on failure; defaults to execFileSync with inherited stdio. */
  run?: (command: string, args: string[]) => void;
}

const runInherited = (command: string, args: string[]) => {
  execFileSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
};

/**
 * Makes sure redis-server, etcd and etcdctl are on PATH. When some are missing and we are root on
 * a system with apt-get, installs them; otherwise throws saying what to install.
 * Takes the options, or just a log function.
 */
export function ensureInstalled(options: EnsureInstalledOptions | ((line: string) => unknown) = {}): void {
  const opts = typeof options === 'function' ? { log: options } : options;
  const path = opts.path ?? process.env.PATH ?? '';
  const missing = () => BINARIES.filter((b) => !onPath(b, path));
  const absent = missing();
  if (absent.length === 0) return;
  const isRoot = opts.isRoot ?? process.getuid?.() === 0;
  if (!isRoot || !onPath('apt-get', path)) {
    throw new Error(
      `missing ${absent.join(', ')} on PATH. Install them (Debian/Ubuntu: ` +
        `sudo apt-get install -y ${PACKAGES.join(' ')}; elsewhere: redis >= 6 and etcd 3.4+ with etcdctl).`,
    );
  }
  const run = opts.run ?? runInherited;
  opts.log?.(`installing ${PACKAGES.join(' ')} with apt-get (missing: ${absent.join(', ')})`);
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', ...PACKAGES]);
  const still = missing();
  if (still.length > 0) throw new Error(`apt-get finished but ${still.join(', ')} is still not on PATH`);
}
