import type { SocketModeReceiver } from '@slack/bolt';
import type { Logger } from '../../log.js';

type SocketClient = SocketModeReceiver['client'];

/** Waits before the n-th consecutive failed reconnect (0 before the first try: Slack asked for it). */
export function reconnectDelayMs(failures: number): number {
  return failures === 0 ? 0 : Math.min(30_000, 500 * 2 ** (failures - 1));
}

/**
 * Keeps a started Socket Mode client connected. The client's own auto-reconnect waits
 * clientPingTimeout × attempts (5 s the first time) after every close, so a routine
 * `refresh_requested` or a cut link left devbot deaf for over 5 s. Create the client with
 * `autoReconnectEnabled: false` and call this once it is connected: a close is answered with an
 * immediate new `apps.connections.open` + connect, and failures back off from 0.5 s to 30 s,
 * without a bound (a serve process that gives up would stay up and hear nothing).
 */
export function keepConnected(client: SocketClient, log: Logger, delayMs: (failures: number) => number = reconnectDelayMs): { stop(): void } {
  let stopped = false;
  let reconnecting = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });

  const reconnect = async (): Promise<void> => {
    reconnecting = true;
    for (let failures = 0; !stopped; failures += 1) {
      await wait(delayMs(failures));
      if (stopped) break;
      try {
        await client.start();
        log.info({ afterFailures: failures }, 'Socket Mode reconnected');
        break;
      } catch (err) {
        log.warn({ err, failures: failures + 1 }, 'Socket Mode reconnect failed, retrying with backoff; check DEVBOT_SLACK_APP_TOKEN if this repeats');
      }
    }
    reconnecting = false;
    // stop() came while a connect was in flight: that connection must not outlive it.
    if (stopped) void client.disconnect().catch(() => undefined);
  };

  // Emitted on every close once auto-reconnect is off; while reconnecting, a failed attempt's own
  // close is the loop's business, not a second loop's.
  client.on('disconnected', () => {
    if (stopped || reconnecting) return;
    log.info('Socket Mode connection closed; reconnecting');
    void reconnect();
  });
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
    },
  };
}
