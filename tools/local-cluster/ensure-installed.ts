import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const BINARIES = ['redis-server', 'etcd', 'etcdctl'] as const;
/** Debian/Ubuntu packages providing them. redis-server's package may also start a system Redis on
 * 6379; the local cluster never uses that port (it always takes free ports). */
const PACKAGES = ['redis-server', 'etcd-server', 'etcd-client'];

export function onPath(binary: string, path = process.env.PATH ?? ''): boolean {
  return path.split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, binary), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function missingBinaries(): string[] {
  return BINARIES.filter((b) => !onPath(b));
}

/**
 * Makes sure redis-server, etcd and etcdctl are on PATH. When some are missing and we are root on
 * a system with apt-get, installs them; otherwise throws saying what to install.
 */
export function ensureInstalled(log: (line: string) => void = () => {}): void {
  const missing = missingBinaries();
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !onPath('apt-get')) {
    throw new Error(
      `missing ${missing.join(', ')} on PATH. Install them (Debian/Ubuntu: ` +
        `sudo apt-get install -y ${PACKAGES.join(' ')}; elsewhere: redis >= 6 and etcd 3.4+ with etcdctl).`,
    );
  }
  log(`installing ${PACKAGES.join(' ')} with apt-get (missing: ${missing.join(', ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', ...PACKAGES], { stdio: 'inherit', env });
  const still = missingBinaries();
  if (still.length > 0) throw new Error(`apt-get finished but ${still.join(', ')} is still not on PATH`);
}
