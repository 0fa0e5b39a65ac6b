import { createServer, type Server } from 'node:http';

/**
 * Stand-ins for the containers of active units: for each host port the unit publishes
 * (`docker run -p host:container`), an HTTP server on the machine's loopback address that answers
 * every request with 200 (or 503 when the unit is made unhealthy). Health checks then hit a real
 * socket where the real container would listen.
 */
export interface Containers {
  /** Starts listening for `key` (unit@machine) if not yet. Rejects when a port is taken. */
  ensure(key: string, ip: string, ports: number[], healthy: () => boolean): Promise<void>;
  stop(key: string): Promise<void>;
  closeAll(): Promise<void>;
}

/** Host TCP ports published by a unit's ExecStart (`-p [ip:]host:container[/tcp]`). */
export function publishedPorts(execStart: string | undefined): number[] {
  const words = (execStart ?? '').match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  const ports: number[] = [];
  words.forEach((w, i) => {
    const spec = words[i + 1]?.replace(/^"|"$/g, '');
    if ((w !== '-p' && w !== '--publish') || !spec || spec.endsWith('/udp')) return;
    const parts = spec.replace(/\/tcp$/, '').split(':');
    const host = Number(parts.length === 3 ? parts[1] : parts[0]);
    if (Number.isInteger(host) && host > 0) ports.push(host);
  });
  return ports;
}

const listen = (server: Server, port: number, ip: string) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, () => resolve());
  });

export function createContainers(enabled: boolean): Containers {
  const running = new Map<string, Server[]>();
  const closeServers = (servers: Server[]) => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  async function stop(key: string): Promise<void> {
    const servers = running.get(key);
    if (!servers) return;
    running.delete(key);
    for (const s of servers) s.closeAllConnections();
    await closeServers(servers.filter((s) => s.listening));
  }
  return {
    async ensure(key, ip, ports, healthy) {
      if (!enabled || running.has(key) || ports.length === 0) return;
      const servers: Server[] = [];
      running.set(key, servers);
      try {
        for (const port of ports) {
          const server = createServer((req, res) => {
            const ok = healthy();
            res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ok' : 'unhealthy', unit: key, path: req.url }));
          });
          servers.push(server);
          await listen(server, port, ip);
        }
      } catch (e) {
        running.delete(key);
        await closeServers(servers.filter((s) => s.listening));
        throw new Error(`cannot publish port on ${ip}: ${(e as Error).message}`);
      }
    },
    stop,
    async closeAll() {
      await Promise.all([...running.keys()].map(stop));
    },
  };
}
