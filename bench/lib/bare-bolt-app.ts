/** The baseline for bench/ack-latency: a Bolt app that verifies the signature and acks a constant. */
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const receiver = new HTTPReceiver({ signingSecret: process.env['SECRET'] ?? '', logLevel: LogLevel.ERROR });
const app = new App({ token: 'xoxb-bare', receiver, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: process.env['SLACK_API_URL'] } });
app.command('/dev', async ({ ack }) => ack({ response_type: 'ephemeral', text: 'ok' }));
await receiver.start(Number(process.env['PORT']));
process.stdout.write('ready\n');
