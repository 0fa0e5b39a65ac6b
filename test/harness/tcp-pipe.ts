import { connect, type Socket } from 'node:net';

/**
 * Connects `client` to `target`'s host and port and wires what a test proxy always needs: replies
 * flow back as they come, either side closing closes the other, errors are swallowed (a test
 * kills servers on purpose), and both sockets sit in `sockets` while open so close() can end them.
 * What the client sends is left to the proxy: it returns the upstream socket to write it to.
 */
export function pipeToTarget(client: Socket, target: URL, sockets: Set<Socket>): Socket {
  const upstream = connect(Number(target.port), target.hostname);
  for (const s of [client, upstream]) {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  }
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
  upstream.on('data', (chunk: Buffer) => client.write(chunk));
  return upstream;
}
