import { connect } from 'node:net';

/** argv for a foreground redis-server on 127.0.0.1:`port`, no RDB snapshots, data in `dir`. */
export function redisArgv(port: number, dir: string, opts: { appendonly?: boolean } = {}): string[] {
  return [
    'redis-server',
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--appendonly', opts.appendonly ? 'yes' : 'no',
    '--daemonize', 'no',
    '--loglevel', 'warning',
  ];
}

/** True when the server on `port` answers PING with PONG (not LOADING, not an error). */
export function pingRedis(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
