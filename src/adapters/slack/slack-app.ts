import type { Server } from 'node:http';
import { App, LogLevel, type CustomRoute } from '@slack/bolt';
import type { Config } from '../../config/schema.js';
import { BotError, ConfigError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { BUTTON_ACTION_IDS, createButtonListener, type HandleAction } from './button-action.js';
import { appEventListeners, type EventListener, type HomeOpened, type UsergroupsChanged } from './app-events.js';
import { boundPort, createReceiver, socketRoutesServer, type SlackReceiver } from './receiver.js';
import { toSlackStartupError } from './slack-errors.js';
import { keepConnected } from './socket-reconnect.js';
import { createMentionListener, type ClaimEvent } from './mention.js';
import { createSlackLogger } from './slack-logger.js';
import { createSlashCommandListener, createUnknownCommandListener, type HandleCommand } from './slash-command.js';
import { normaliseSlackApiUrl, slackClientOptions } from './web-client.js';

export type { CustomRoute } from '@slack/bolt';

export interface SlackAppOptions {
  config: Pick<Config, 'slack'>;
  log: Logger;
  handleCommand: HandleCommand;
  /** Confirm / Cancel / Retry clicks; without it devbot's buttons are acked and ignored. */
  handleAction?: HandleAction;
  /**
   * Claims a Slack event once across serve processes (ports/event-claims.ts). With it devbot also
   * answers `@devbot` mentions and DMs (app_mention, message.im); without it only `/dev`.
   */
  claimEvent?: ClaimEvent;
  /** Extra HTTP routes served next to `/slack/events` on the public Slack port, e.g. `/healthz` (never /metrics or /readyz). */
  routes?: CustomRoute[];
  /** subteam_members_changed: keeps the ACL's Slack user group cache current. */
  usergroupsChanged?: UsergroupsChanged;
  /** app_home_opened: publishes the user's Home tab. */
  homeOpened?: HomeOpened;
  /** The slash command to answer (as configured in the Slack app). */
  command?: string;
  /** How long handleCommand may take before the ack says "Working on it…" (default 2 s). */
  ackAfterMs?: number;
}

export interface SlackApp {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The bound HTTP port once started (HTTP mode, or Socket Mode with routes); else undefined. */
  port(): number | undefined;
  app: App;
}

/**
 * The Slack side of `devbot serve`: a Bolt App answering `/dev` through handleCommand. Checks the
 * bot token against Slack (auth.test) before returning, so a wrong DEVBOT_SLACK_API_URL or token
 * is a clear UpstreamError at startup. Throws ConfigError when a required secret is missing.
 */
export async function createSlackApp(opts: SlackAppOptions): Promise<SlackApp> {
  const { slack } = opts.config;
  requireSecrets(slack);
  const log = opts.log;
  const sdkLogger = createSlackLogger(log, { name: 'bolt', level: LogLevel.WARN });
  const selected = createReceiver({ slack, logger: sdkLogger, routes: opts.routes ?? [] });
  const app = new App({
    token: slack.botToken,
    receiver: selected.receiver,
    logger: sdkLogger,
    logLevel: LogLevel.WARN,
    clientOptions: slackClientOptions({ apiUrl: slack.apiUrl, log, retries: 2 }),
    convoStore: false,
    deferInitialization: true,
  });
  const command = opts.command ?? '/dev';
  // One listener per kind of request, dispatching inside: Bolt runs every listener's middleware
  // chain for every request, so each extra listener is paid on every slash command's ack.
  const slashCommand = createSlashCommandListener({ handleCommand: opts.handleCommand, log, ackAfterMs: opts.ackAfterMs });
  const unknownCommand = createUnknownCommandListener({ command, log });
  app.command(/.*/, (args) => (args.command.command === command ? slashCommand(args) : unknownCommand(args)));
  if (opts.handleAction) app.action({ type: 'block_actions', action_id: BUTTON_ACTION_IDS }, createButtonListener({ handleAction: opts.handleAction, log }));
  const events: Record<string, EventListener> = appEventListeners({ usergroupsChanged: opts.usergroupsChanged, homeOpened: opts.homeOpened, log });
  if (opts.claimEvent) {
    const mention = createMentionListener({ handleCommand: opts.handleCommand, claimEvent: opts.claimEvent, log });
    events['app_mention'] = mention;
    events['message'] = mention;
  }
  const eventTypes = Object.keys(events);
  if (eventTypes.length) app.event(new RegExp(`^(${eventTypes.join('|')})$`), (args) => events[args.event.type]!(args));
  app.error(async (error) => {
    log.error({ err: error }, 'Bolt reported an error');
  });
  const apiUrl = normaliseSlackApiUrl(slack.apiUrl) ?? 'https://slack.com/api/';
  try {
    await app.init();
  } catch (e) {
    throw toSlackStartupError(e, { apiUrl, step: 'auth.test', tokenVar: 'DEVBOT_SLACK_BOT_TOKEN' });
  }
  return wrap({ app, selected, slack, apiUrl, log });
}

function wrap(ctx: { app: App; selected: SlackReceiver; slack: Config['slack']; apiUrl: string; log: Logger }): SlackApp {
  const { app, selected, slack, apiUrl, log } = ctx;
  let portOf: () => number | undefined = () => undefined;
  // Set before any await, so stop() also ends a start still in progress (a reconnecting socket).
  let stopReceiver: (() => Promise<void>) | undefined;
  const stopNow = async (): Promise<void> => {
    const stop = stopReceiver;
    stopReceiver = undefined;
    portOf = () => undefined;
    await stop?.();
  };
  // A function, not a check of stopReceiver in place: stop() may clear it while start() awaits.
  const isStarted = (): boolean => stopReceiver !== undefined;
  return {
    app,
    port: () => portOf(),
    async start() {
      if (stopReceiver) return;
      if (selected.kind === 'http') {
        const server = await selected.receiver.start(slack.port).catch((e: unknown) => {
          throw listenError(e, slack.port);
        });
        stopReceiver = () => selected.receiver.stop();
        portOf = () => boundPort(server);
        return;
      }
      const routesServer = socketRoutesServer(selected.receiver);
      let keeper: { stop(): void } | undefined;
      stopReceiver = async () => {
        keeper?.stop();
        await selected.receiver.stop();
      };
      portOf = () => boundPort(routesServer);
      const listening = routesServer ? listenOutcome(routesServer, slack.port, log) : Promise.resolve();
      const connected = selected.receiver.start().catch((e: unknown) => {
        throw toSlackStartupError(e, { apiUrl, step: 'apps.connections.open', tokenVar: 'DEVBOT_SLACK_APP_TOKEN' });
      });
      try {
        await Promise.all([connected, listening]);
      } catch (e) {
        await stopNow().catch(() => undefined);
        throw e;
      }
      // From the first hello on, a refresh or a cut link is answered by reconnecting at once.
      if (isStarted()) keeper = keepConnected(selected.receiver.client, log);
    },
    stop: stopNow,
  };
}

/** Resolves once Socket Mode's routes server listens; a later server error is logged, not thrown. */
function listenOutcome(server: Server, port: number, log: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', (e) => reject(listenError(e, port)));
    server.on('error', (err) => log.error({ err }, 'Slack routes server error'));
  });
}

function requireSecrets(slack: Config['slack']): void {
  const issues: string[] = [];
  if (!slack.botToken) issues.push('slack.botToken: set DEVBOT_SLACK_BOT_TOKEN');
  if (!slack.appToken && !slack.signingSecret) {
    issues.push('slack.signingSecret: set DEVBOT_SLACK_SIGNING_SECRET (or DEVBOT_SLACK_APP_TOKEN for Socket Mode)');
  }
  if (issues.length) throw new ConfigError('Slack is not configured.', issues);
}

function listenError(e: unknown, port: number): BotError {
  const code = (e as { code?: string }).code ?? (e instanceof Error ? e.message : String(e));
  return new ConfigError(`Could not listen for Slack on port ${port} (${code}).`, ['slack.port: choose a free port with DEVBOT_SLACK_PORT']);
}
