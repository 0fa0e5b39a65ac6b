import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTPReceiver, SocketModeReceiver, type CustomRoute, type Logger as SlackLogger } from '@slack/bolt';
import type { Config } from '../../config/schema.js';
import { normaliseSlackApiUrl, SLACK_REQUEST_TIMEOUT_MS } from './web-client.js';

/** Where Slack POSTs slash commands, interactions and events in HTTP mode. */
export const EVENTS_PATH = '/slack/events';

export type SlackReceiver =
  | { kind: 'http'; receiver: HTTPReceiver }
  | { kind: 'socket'; receiver: SocketModeReceiver };

/**
 * HTTP receiver (signature verification on, `/slack/events`) or Socket Mode when an app token is
 * configured. `routes` are extra HTTP routes (`/healthz`); in Socket Mode Bolt serves
 * them from a separate small server on the same port setting.
 */
export function createReceiver(opts: {
  slack: Config['slack'];
  logger: SlackLogger;
  routes: CustomRoute[];
}): SlackReceiver {
  const { slack, logger, routes } = opts;
  if (slack.appToken) {
    const slackApiUrl = normaliseSlackApiUrl(slack.apiUrl);
    const receiver = new SocketModeReceiver({
      appToken: slack.appToken,
      logger,
      customRoutes: routes,
      // No retryConfig here: the socket client's own (100 tries) retries apps.connections.open.
      // Its reconnect after a close waits 5 s; keepConnected (socket-reconnect.ts) reconnects at once.
      autoReconnectEnabled: false,
      installerOptions: { port: slack.port, clientOptions: { ...(slackApiUrl ? { slackApiUrl } : {}), timeout: SLACK_REQUEST_TIMEOUT_MS } },
    });
    return { kind: 'socket', receiver };
  }
  const receiver = new HTTPReceiver({
    signingSecret: slack.signingSecret ?? '',
    signatureVerification: true,
    endpoints: [EVENTS_PATH],
    port: slack.port,
    customRoutes: routes,
    logger,
    // Ack as soon as ack() is called; the listener keeps running for late replies.
    processBeforeResponse: false,
  });
  return { kind: 'http', receiver };
}

/**
 * Socket Mode keeps its routes server private and listens without an error handler; reach it so
 * port() can report the bound port and EADDRINUSE does not become an uncaught exception.
 */
export function socketRoutesServer(receiver: SocketModeReceiver): Server | undefined {
  return (receiver as unknown as { httpServer?: Server }).httpServer;
}

export function boundPort(server: Server | undefined): number | undefined {
  const address = server?.address();
  return address && typeof address === 'object' ? (address as AddressInfo).port : undefined;
}
