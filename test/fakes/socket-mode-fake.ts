/**
 * A local WebSocket fake of Slack's Socket Mode, written from Slack's protocol description (not from
 * @slack/socket-mode, the client it checks). What it does, as Slack does:
 * - `apps.connections.open` (answered by the Web API fake through `connectionsOpen`) hands out a
 *   single-use `ws://…/link/?ticket=…` URL; a used or unknown ticket is refused at the upgrade;
 * - every accepted connection first gets `hello`, and a ping every few seconds;
 * - envelopes (`slash_commands`, `interactive`, `events_api`) go to the newest connection that
 *   is not being retired; with none open they wait for one;
 * - an envelope not acked (`{ envelope_id, payload }`) within 3 s is sent again with
 *   `retry_attempt` + 1 and `retry_reason: "timeout"`, up to 3 retries;
 * - `disconnect` (`refresh_requested`, `warning`, …) retires a connection: nothing new goes to
 *   it, and it is closed from this side 10 s later if the client has not closed it;
 * - `drop()` cuts every socket without a close frame, as a lost link looks to the client.
 * Everything is recorded: connections, every delivery of every envelope, every ack and its time.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { slashCommandBody, type SlashCommandFields } from './slack-signing.js';

/** Slack's ack deadline for an envelope, after which it sends it again. */
export const SOCKET_ACK_DEADLINE_MS = 3_000;
/** Redeliveries after the first delivery. */
export const SOCKET_MAX_RETRIES = 3;
const PING_EVERY_MS = 5_000;
const RETIRE_GRACE_MS = 10_000;
const APP_ID = 'A0DEVBOT';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface ConnectionRecord {
  /** 1, 2, 3… in the order clients connected. */
  id: number;
  helloAt: number;
  /** Set once `disconnect` was sent to it: no envelope goes to it afterwards. */
  retiredWith?: string;
  closedAt?: number;
  /** Who ended it: the client (a close frame from it), the fake (close frame from here), or a cut (`drop`). */
  closedBy?: 'client' | 'fake' | 'dropped';
  closeCode?: number;
}

export interface Delivery {
  /** 0 for the first delivery, then 1, 2, 3 (as `retry_attempt` said). */
  attempt: number;
  connection: number;
  sentAt: number;
}

export interface AckRecord {
  at: number;
  connection: number;
  /** What the app answered (`payload` of the ack; a slash command's ack carries its reply here). */
  payload: Record<string, unknown> | undefined;
  /** The delivery it answered: the latest one sent before the ack came. */
  attempt: number;
  /** Set when the fake was told to lose this ack (as if it never reached Slack): it redelivers. */
  lost: boolean;
}

export interface Envelope {
  id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  /** When the test handed it over (it may wait for a connection before its first delivery). */
  createdAt: number;
  deliveries: Delivery[];
  acks: AckRecord[];
}

export interface SendOptions {
  /** Treat the first `n` acks of this envelope as lost in transit, so Slack redelivers it. */
  loseAcks?: number;
}

export interface SocketModeFake {
  /** The answer `apps.connections.open` gives: pass as `connectionsOpen` to startFakeSlackApi. */
  connectionsOpen(): Record<string, unknown>;
  connections: ConnectionRecord[];
  envelopes: Envelope[];
  /** Resolves once `count` connections have had their hello (already, or later). */
  waitForConnections(count: number, timeoutMs?: number): Promise<ConnectionRecord>;
  /** Resolves once the connection has closed (already, or later), whoever closed it. */
  waitForClose(connection: ConnectionRecord, timeoutMs?: number): Promise<ConnectionRecord>;
  /** Hands an envelope to Slack's side: delivered now, or as soon as a connection is open. */
  send(type: EnvelopeType, payload: Record<string, unknown>, opts?: SendOptions): Envelope;
  /** A `/dev` (by default) slash command as Slack sends it over the socket; fields as in a POST. */
  slashCommand(fields: Partial<SlashCommandFields>, opts?: SendOptions): Envelope;
  /** Resolves with the envelope's first ack that was not lost (already, or later). */
  waitForAck(envelope: Envelope, timeoutMs?: number): Promise<AckRecord>;
  /** Resolves once the envelope was delivered `count` times in all. */
  waitForDeliveries(envelope: Envelope, count: number, timeoutMs?: number): Promise<Delivery>;
  /** Sends `{ type: "disconnect", reason }` to every open connection and retires them. */
  disconnect(reason: 'refresh_requested' | 'warning' | 'link_disabled'): void;
  /** Cuts every open socket from this side, without a close frame. */
  drop(): void;
  close(): Promise<void>;
}

interface Live {
  record: ConnectionRecord;
  ws: WebSocket;
  socket: Socket;
  timers: NodeJS.Timeout[];
}

export async function startSocketModeFake(): Promise<SocketModeFake> {
  const server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end('Socket Mode: connect with a WebSocket client');
  });
  const wss = new WebSocketServer({ noServer: true });
  const tickets = new Set<string>();
  const connections: ConnectionRecord[] = [];
  const live = new Map<number, Live>();
  const envelopes: Envelope[] = [];
  const waiting: Envelope[] = []; // due for a delivery, no open connection yet
  const state = new Map<string, { lostLeft: number; timer?: NodeJS.Timeout }>();
  const events = new EventEmitter();
  const allTimers = new Set<NodeJS.Timeout>();
  let closing = false;

  const later = (ms: number, run: () => void): NodeJS.Timeout => {
    const t = setTimeout(() => {
      allTimers.delete(t);
      run();
    }, ms);
    allTimers.add(t);
    return t;
  };

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const ticket = url.searchParams.get('ticket') ?? '';
    // Tickets are single-use, as Slack's are: a client must call apps.connections.open again.
    if (url.pathname !== '/link/' || !tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, socket));
  });

  function accept(ws: WebSocket, socket: Socket): void {
    const record: ConnectionRecord = { id: connections.length + 1, helloAt: Date.now() };
    const conn: Live = { record, ws, socket, timers: [] };
    connections.push(record);
    live.set(record.id, conn);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) onClientMessage(conn, String(data));
    });
    ws.on('close', (code: number) => {
      live.delete(record.id);
      conn.timers.forEach(clearInterval);
      record.closedAt = Date.now();
      record.closedBy ??= 'client';
      record.closeCode = code;
      events.emit('change');
    });
    ws.on('error', () => undefined); // a cut socket; 'close' follows
    ws.send(JSON.stringify({
      type: 'hello',
      num_connections: live.size,
      debug_info: { host: `applink-fake-${record.id}`, build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: APP_ID },
    }));
    conn.timers.push(setInterval(() => ws.ping(), PING_EVERY_MS));
    events.emit('change');
    flushWaiting();
  }

  function onClientMessage(conn: Live, text: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return; // Slack ignores what it cannot read; no ack then
    }
    const envelope = envelopes.find((e) => e.id === message.envelope_id);
    if (!envelope) return;
    const s = state.get(envelope.id)!;
    const lost = s.lostLeft > 0;
    if (lost) s.lostLeft -= 1;
    const payload = typeof message.payload === 'object' && message.payload !== null ? (message.payload as Record<string, unknown>) : undefined;
    const attempt = envelope.deliveries.at(-1)?.attempt ?? 0;
    envelope.acks.push({ at: Date.now(), connection: conn.record.id, payload, attempt, lost });
    if (!lost && s.timer) {
      clearTimeout(s.timer);
      allTimers.delete(s.timer);
      s.timer = undefined;
    }
    events.emit('change');
  }

  /** The connection Slack would use now: the newest open one not being retired. */
  const target = (): Live | undefined =>
    [...live.values()].filter((c) => !c.record.retiredWith && c.ws.readyState === c.ws.OPEN).sort((a, b) => b.record.id - a.record.id)[0];

  function deliver(envelope: Envelope): void {
    if (closing) return;
    const conn = target();
    if (!conn) {
      if (!waiting.includes(envelope)) waiting.push(envelope);
      return;
    }
    const attempt = envelope.deliveries.length;
    const frame: Record<string, unknown> = {
      envelope_id: envelope.id,
      payload: envelope.payload,
      type: envelope.type,
      // A slash command's ack may carry its reply (a view_submission's too); a button click's and an event's may not.
      accepts_response_payload: envelope.type === 'slash_commands' || envelope.payload['type'] === 'view_submission',
    };
    // Slack marks redeliveries; events_api always carries the fields.
    if (attempt > 0 || envelope.type === 'events_api') Object.assign(frame, { retry_attempt: attempt, retry_reason: attempt > 0 ? 'timeout' : '' });
    envelope.deliveries.push({ attempt, connection: conn.record.id, sentAt: Date.now() });
    conn.ws.send(JSON.stringify(frame));
    events.emit('change');
    const s = state.get(envelope.id)!;
    if (attempt < SOCKET_MAX_RETRIES) {
      s.timer = later(SOCKET_ACK_DEADLINE_MS, () => {
        s.timer = undefined;
        deliver(envelope);
      });
    }
  }

  function flushWaiting(): void {
    for (const envelope of waiting.splice(0)) deliver(envelope);
  }

  /** Resolves with `check()`'s first defined value, re-checked on every recorded change. */
  function until<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const onChange = (): void => {
        const value = check();
        if (value === undefined) return;
        clearTimeout(timer);
        events.off('change', onChange);
        resolve(value);
      };
      const timer = setTimeout(() => {
        events.off('change', onChange);
        reject(new Error(`Socket Mode fake: ${what} within ${timeoutMs} ms (connections: ${JSON.stringify(connections)})`));
      }, timeoutMs);
      events.on('change', onChange);
    });
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const send = (type: EnvelopeType, payload: Record<string, unknown>, opts: SendOptions = {}): Envelope => {
    const envelope: Envelope = { id: randomUUID(), type, payload, createdAt: Date.now(), deliveries: [], acks: [] };
    envelopes.push(envelope);
    state.set(envelope.id, { lostLeft: opts.loseAcks ?? 0 });
    deliver(envelope);
    return envelope;
  };

  return {
    connectionsOpen() {
      const ticket = randomUUID();
      tickets.add(ticket);
      return { ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${APP_ID}` };
    },
    connections,
    envelopes,
    waitForConnections: (count, timeoutMs = 10_000) => until(`no connection #${count}`, () => connections[count - 1], timeoutMs),
    waitForClose: (connection, timeoutMs = 10_000) => until(`connection #${connection.id} still open`, () => (connection.closedAt === undefined ? undefined : connection), timeoutMs),
    send,
    slashCommand: (fields, opts) => send('slash_commands', Object.fromEntries(new URLSearchParams(slashCommandBody(fields))), opts),
    waitForAck: (envelope, timeoutMs = 10_000) => until(`no ack of envelope ${envelope.id} (${envelope.type})`, () => envelope.acks.find((a) => !a.lost), timeoutMs),
    waitForDeliveries: (envelope, count, timeoutMs = 10_000) =>
      until(`envelope ${envelope.id} not delivered ${count} times`, () => envelope.deliveries[count - 1], timeoutMs),
    disconnect(reason) {
      for (const conn of live.values()) {
        if (conn.record.retiredWith) continue;
        conn.record.retiredWith = reason;
        conn.ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: `applink-fake-${conn.record.id}` } }));
        later(RETIRE_GRACE_MS, () => {
          if (conn.ws.readyState !== conn.ws.OPEN) return;
          conn.record.closedBy = 'fake';
          conn.ws.close(1001, 'refresh');
        });
      }
      events.emit('change');
    },
    drop() {
      for (const conn of [...live.values()]) {
        // Gone for Slack at once: nothing is routed to it while the close is still being noticed.
        live.delete(conn.record.id);
        conn.record.closedBy = 'dropped';
        conn.socket.destroy();
      }
      events.emit('change');
    },
    async close() {
      closing = true;
      for (const t of allTimers) clearTimeout(t);
      for (const conn of live.values()) {
        conn.record.closedBy ??= 'fake';
        conn.ws.terminate();
      }
      wss.close();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
