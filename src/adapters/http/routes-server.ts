import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CustomRoute } from '@slack/bolt';
import { ConfigError } from '../../errors.js';

export interface RunningServer {
  /** The bound port (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * Serves Bolt-style custom routes (exact path and method) on a small server of its own: the ops
 * routes of `devbot serve` and `devbot worker`, off the public Slack port. Bound to loopback
 * unless `host` says otherwise. Anything else is 404.
 */
export function startRoutesServer(opts: { routes: CustomRoute[]; port: number; host?: string; what?: string }): Promise<RunningServer> {
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const route = opts.routes.find((r) => r.path === path && [r.method].flat().some((m) => m.toUpperCase() === method));
    if (!route) return void res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    route.handler(Object.assign(req, { params: {} }), res);
  };
  return listen(handler, { port: opts.port, host: opts.host ?? '127.0.0.1', what: opts.what ?? 'ops routes' });
}

/** Starts an HTTP server; a port in use becomes a ConfigError naming it, not an uncaught 'error'. */
export function listen(handler: RequestListener, opts: { port: number; host?: string; what: string }): Promise<RunningServer> {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(new ConfigError(`Could not listen for ${opts.what} on ${opts.host ?? 'every interface'} port ${opts.port} (${e.code ?? e.message}).`));
    });
    server.listen(opts.port, opts.host, () => {
      server.on('error', () => {}); // after start, errors belong to single requests
      resolve({ port: (server.address() as AddressInfo).port, close: () => closeServer(server) });
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive sockets (browsers on the dashboard, Prometheus) must not hold shutdown open.
    server.closeAllConnections();
  });
}
