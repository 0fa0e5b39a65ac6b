/**
 * A real OpenSSH server (Debian's /usr/sbin/sshd) on a free port of several loopback addresses,
 * as the current user, for the Remote adapter and the logs/exec jobs. Its host key and the
 * client's key are made here with ssh-keygen; `stubs` become executables in a directory put
 * first on the session's PATH (sshd's SetEnv), so `journalctl` or `docker` can be faked. A stub
 * can tell which "machine" was asked from $SSH_CONNECTION (its third field is the address).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface Sshd {
  port: number;
  user: string;
  /** The client's private key (OpenSSH format), as DEVBOT_SSH_KEY would hold it. */
  clientKey: string;
  /** The server's host key as known_hosts writes it: `ssh-ed25519 AAAA…`. */
  hostKey: string;
  /** A freshly made key the server does not have, for mismatch cases. */
  otherHostKey: string;
  close(): Promise<void>;
}

export async function startSshd(opts: { addresses?: string[]; stubs?: Record<string, string> } = {}): Promise<Sshd> {
  const addresses = opts.addresses ?? ['127.0.0.1'];
  const dir = mkdtempSync(join(tmpdir(), 'devbot-sshd-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const [name, script] of Object.entries(opts.stubs ?? {})) {
    writeFileSync(join(bin, name), script);
    chmodSync(join(bin, name), 0o755);
  }
  const hostKey = makeKey(join(dir, 'host_key'));
  const otherHostKey = makeKey(join(dir, 'other_host_key'));
  makeKey(join(dir, 'client_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  chmodSync(join(dir, 'authorized_keys'), 0o600);
  // sshd insists on its privilege separation directory even when it runs unprivileged sessions.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  const user = userInfo().username;
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      ...addresses.map((a) => `ListenAddress ${a}:${port}`),
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      `PermitRootLogin ${user === 'root' ? 'prohibit-password' : 'no'}`,
      `AllowUsers ${user}`,
      `SetEnv PATH=${bin}:/usr/local/bin:/usr/bin:/bin`,
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await Promise.all(addresses.map((a) => waitForPort(a, port, child, () => stderr)));
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    port,
    user,
    clientKey: readFileSync(join(dir, 'client_key'), 'utf8'),
    hostKey,
    otherHostKey,
    close: async () => {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function makeKey(path: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'devbot-test', '-f', path]);
  return readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(host: string, port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${host}:${port}: ${stderr()}`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
