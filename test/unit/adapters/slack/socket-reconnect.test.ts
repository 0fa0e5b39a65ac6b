import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { keepConnected, reconnectDelayMs } from '../../../../src/adapters/slack/socket-reconnect.js';
import { silentLogger } from '../../../../src/log.js';

/** The two things keepConnected uses of a Socket Mode client, with scripted connect outcomes. */
class ScriptedClient extends EventEmitter {
  starts = 0;
  disconnects = 0;
  constructor(private readonly outcomes: Array<'ok' | 'fail'>) {
    super();
  }
  async start(): Promise<void> {
    this.starts += 1;
    const outcome = this.outcomes.shift() ?? 'ok';
    if (outcome === 'fail') {
      // A failed connect closes too, as the real client's does: the loop must not start a second loop.
      this.emit('disconnected');
      throw new Error('connect failed');
    }
    this.emit('connected');
  }
  async disconnect(): Promise<void> {
    this.disconnects += 1;
  }
}

const asClient = (c: ScriptedClient) => c as unknown as Parameters<typeof keepConnected>[0];

describe('keepConnected', () => {
  it('waits 0 before the first try, then 0.5 s doubling up to 30 s', () => {
    expect([0, 1, 2, 3, 7, 20].map(reconnectDelayMs)).toEqual([0, 500, 1000, 2000, 30_000, 30_000]);
  });

  it('reconnects at once on a close and backs off through failed attempts', async () => {
    const client = new ScriptedClient(['fail', 'fail', 'ok']);
    const waited: number[] = [];
    keepConnected(asClient(client), silentLogger(), (failures) => (waited.push(failures), 0));
    const connected = new Promise((resolve) => client.once('connected', resolve));
    client.emit('disconnected');
    await connected;
    await new Promise((r) => setImmediate(r)); // the loop sees its start() resolve
    expect(client.starts).toBe(3);
    expect(waited).toEqual([0, 1, 2]);
    // The next close starts over from an immediate try.
    const again = new Promise((resolve) => client.once('connected', resolve));
    client.emit('disconnected');
    await again;
    expect(client.starts).toBe(4);
    expect(waited.at(-1)).toBe(0);
  });

  it('after stop() a close is not answered, and a backoff in progress makes no further attempt', async () => {
    const client = new ScriptedClient(['fail']);
    const keeper = keepConnected(asClient(client), silentLogger(), (failures) => (failures === 0 ? 0 : 60_000));
    client.emit('disconnected');
    await vi.waitFor(() => expect(client.starts).toBe(1));
    // The failed attempt's rejection is handled and the loop is in its 60 s wait.
    await new Promise((r) => setImmediate(r));
    keeper.stop();
    await new Promise((r) => setImmediate(r));
    client.emit('disconnected');
    expect(client.starts).toBe(1);
    // Woken from its 60 s wait by stop(), the loop ended and made sure nothing stays connected.
    expect(client.disconnects).toBe(1);
  });
});
