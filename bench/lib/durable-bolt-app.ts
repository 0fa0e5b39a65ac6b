/**
 * The fair floor for bench/ack-latency: a Bolt app that verifies the signature and, like any ack
 * that promises the request is safe, awaits one Redis SET before it acks.
 */
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { Redis } from 'ioredis';

const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
const receiver = new HTTPReceiver({ signingSecret: process.env['SECRET'] ?? '', logLevel: LogLevel.ERROR });
const app = new App({ token: 'xoxb-durable', receiver, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: process.env['SLACK_API_URL'] } });
let n = 0;
app.command('/dev', async ({ ack, command }) => {
  await redis.set(`bench-durable:${process.pid}:${n++ % 1000}`, command.text, 'EX', 60);
  await ack({ response_type: 'ephemeral', text: 'ok' });
});
await receiver.start(Number(process.env['PORT']));
process.stdout.write('ready\n');
