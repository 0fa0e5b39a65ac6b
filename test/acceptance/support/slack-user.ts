/**
 * A person in Slack typing `/dev …`: signed slash-command POSTs into `devbot serve`, exactly as
 * Slack sends them, and the acks that come back.
 */
import { postSlashCommand } from '../../fakes/slack-signing.js';
import { SIGNING_SECRET } from './shipped-devbot.js';

export interface SlackPlace {
  userId: string;
  userName?: string;
  channelId: string;
  channelName: string;
}

/**
 * Sends `/dev <text>` and returns the ack's text (devbot acks every command with an ephemeral
 * reply). `responseUrl`: the command's response_url, for a test that reads what devbot sends there.
 */
export async function typeCommand(serveUrl: string, place: SlackPlace, text: string, opts: { responseUrl?: string } = {}): Promise<string> {
  const res = await postSlashCommand(serveUrl, SIGNING_SECRET, {
    user_id: place.userId,
    user_name: place.userName ?? place.userId.toLowerCase(),
    channel_id: place.channelId,
    channel_name: place.channelName,
    text,
    ...(opts.responseUrl ? { response_url: opts.responseUrl } : {}),
  });
  if (res.status !== 200) throw new Error(`devbot serve answered ${res.status} to "/dev ${text}": ${res.body}`);
  const ack = res.json() as { text?: string };
  return String(ack.text ?? '');
}

/** The job id in an ack such as "Queued as job status-1a2b…". */
export function queuedJobId(ack: string): string | undefined {
  return /\bjob ([\w-]+)/.exec(ack)?.[1];
}
