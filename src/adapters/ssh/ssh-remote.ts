import { Client, type ConnectConfig } from 'ssh2';
import type { Remote, RemoteResult } from '../../ports/remote.js';
import { HostKeyMismatchError, RemoteTimeoutError, UnreachableError } from '../../remote/remote-errors.js';
import { quoteArgv } from '../../remote/shell-quote.js';

/** Output kept per stream; a command printing more is cut there (the journal is asked for N lines anyway). */
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

export interface SshRemoteOptions {
  user: string;
  port: number;
  /** The private key itself (from the environment), OpenSSH or PEM. */
  privateKey: string;
  /** The pinned host key (`ssh-ed25519 AAAA…`) for a machine IP; undefined = not pinned, refused. */
  hostKeyFor(machineIp: string, machineId?: string): string | undefined;
}

/** The Remote port over ssh2: one connection per run, host key checked against the pinned one. */
export function createSshRemote(options: SshRemoteOptions): Remote {
  return { run: (machineIp, argv, opts) => runOnce(options, machineIp, argv, opts) };
}

function runOnce(options: SshRemoteOptions, ip: string, argv: string[], opts: { timeoutMs: number; signal?: AbortSignal; machineId?: string }): Promise<RemoteResult> {
  const started = Date.now();
  const pinned = options.hostKeyFor(ip, opts.machineId);
  return new Promise<RemoteResult>((resolve, reject) => {
    const conn = new Client();
    let presented: string | undefined;
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      conn.end();
      outcome();
    };
    const timer = setTimeout(() => finish(() => reject(new RemoteTimeoutError(ip, opts.timeoutMs))), opts.timeoutMs);
    const onAbort = (): void => finish(() => reject(opts.signal?.reason));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    conn.on('error', (err: Error & { level?: string }) => {
      if (presented !== undefined) return finish(() => reject(new HostKeyMismatchError(ip, presented!)));
      finish(() => reject(new UnreachableError(ip, err.level === 'client-authentication' ? `the key was refused for user ${options.user}` : err.message, err)));
    });
    conn.on('ready', () => {
      conn.exec(quoteArgv(argv), (err, channel) => {
        if (err) return finish(() => reject(new UnreachableError(ip, err.message, err)));
        const out = collector();
        const errOut = collector();
        let code = 255;
        channel.on('data', out.push);
        channel.stderr.on('data', errOut.push);
        channel.on('exit', (exitCode: number | null) => {
          code = typeof exitCode === 'number' ? exitCode : 255;
        });
        channel.on('close', () => finish(() => resolve({ code, stdout: out.text(), stderr: errOut.text(), ms: Date.now() - started })));
      });
    });
    const config: ConnectConfig = {
      host: ip,
      port: options.port,
      username: options.user,
      privateKey: options.privateKey,
      readyTimeout: opts.timeoutMs + 1000,
      algorithms: pinned ? { serverHostKey: hostKeyAlgorithms(pinned) as never } : undefined,
      hostVerifier: (key: Buffer) => {
        if (pinned !== undefined && key.toString('base64') === pinned.split(/\s+/)[1]) return true;
        presented = `${pinned?.split(/\s+/)[0] ?? 'ssh-…'} ${key.toString('base64')}`;
        return false;
      },
    };
    try {
      conn.connect(config);
    } catch (err) {
      finish(() => reject(new UnreachableError(ip, (err as Error).message, err)));
    }
  });
}

/** Ask only for the pinned key's type, so a server with several host keys shows the pinned one. */
function hostKeyAlgorithms(pinned: string): string[] {
  const type = pinned.split(/\s+/)[0] ?? '';
  return type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
}

function collector(): { push: (chunk: Buffer) => void; text: () => string } {
  const chunks: Buffer[] = [];
  let bytes = 0;
  return {
    push: (chunk) => {
      if (bytes >= MAX_OUTPUT_BYTES) return;
      chunks.push(chunk);
      bytes += chunk.length;
    },
    text: () => Buffer.concat(chunks).subarray(0, MAX_OUTPUT_BYTES).toString('utf8'),
  };
}
