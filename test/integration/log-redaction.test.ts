/**
 * What an SDK error carries into a log line. Real failing calls, through the real SDKs, logged
 * through createLogger into memory: a Slack Web API call answered 502 by a proxy that echoes the
 * request it could not forward (Authorization header and all) and sets a cookie, and a
 * CloudFormation call answered 403 SignatureDoesNotMatch quoting the signed headers, the session
 * token among them, as AWS does. No token may reach the log; message, code and status must.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterEach, describe, expect, it } from 'vitest';
import { translateAwsError } from '../../src/adapters/aws/aws-errors.js';
import { createSlackChat } from '../../src/adapters/slack/slack-chat.js';
import { createWebClient } from '../../src/adapters/slack/web-client.js';
import { createLogger } from '../../src/log.js';

const fresh = (n: number) => randomBytes(n).toString('hex');

function memoryLog() {
  const lines: string[] = [];
  const log = createLogger({ level: 'trace', destination: { write: (line: string) => void lines.push(line) } });
  const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, entries, entry: (msg: string) => entries().find((e) => e['msg'] === msg) };
}

/** The request's headers as the client wrote them (case kept), the way a debugging proxy echoes them. */
function headersAsSent(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) out[req.rawHeaders[i]!] = req.rawHeaders[i + 1]!;
  return out;
}

const servers: Server[] = [];
async function serve(handler: (req: IncomingMessage, body: string) => { status: number; headers: Record<string, string>; body: string }): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const answer = handler(req, body);
      res.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
    await once(s, 'close');
  }
});

describe('SDK errors in the logs', () => {
  it('a Slack Web API call answered 502 by an echoing proxy: no token or cookie logged; message, code and status kept', async () => {
    const token = `xoxb-${fresh(6)}-${fresh(6)}-${fresh(12)}`;
    const cookie = `b=${fresh(16)}`;
    const url = await serve((req) => ({
      status: 502,
      headers: { 'content-type': 'application/json', 'set-cookie': cookie },
      body: JSON.stringify({ error: 'upstream unavailable', request: { method: req.method, url: req.url, headers: headersAsSent(req) } }),
    }));
    const { log, lines, entry } = memoryLog();
    const client = createWebClient({ token, apiUrl: url, log, retries: 0 });
    const raw = await client.chat.postMessage({ channel: 'C1', text: 'hello' }).then(() => new Error('postMessage succeeded'), (e: unknown) => e as Error);
    // The proxy did see the token: the echo is what an SDK error brings along.
    expect(JSON.stringify((raw as { body?: unknown }).body)).toContain(token);
    const wrapped = await createSlackChat({ client, log }).post('C1', { text: 'hello' }).then(() => new Error('post succeeded'), (e: unknown) => e as Error);

    log.error({ err: raw }, 'raw as err');
    log.error({ error: raw, attempt: { lastError: raw } }, 'raw under other keys');
    log.error(raw);
    log.error({ err: wrapped }, 'wrapped');

    const text = lines.join('\n');
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.slice(0, 16));
    expect(text).not.toContain(cookie);
    const expected = { type: 'WebAPIHTTPError', code: 'slack_webapi_http_error', status: 502, message: expect.stringContaining('statusCode = 502') };
    expect(entry('raw as err')?.['err']).toMatchObject(expected);
    expect(entry('raw under other keys')).toMatchObject({ error: expected, attempt: { lastError: expected } });
    expect(entry('wrapped')?.['err']).toMatchObject({ type: 'UpstreamError', message: 'while posting to Slack: http_502', service: 'slack', cause: expected });
    expect(JSON.stringify(entry('raw as err'))).toContain('upstream unavailable'); // the body's own words stay
  });

  it('a CloudFormation call answered 403 SignatureDoesNotMatch quoting the signed headers: no session token or key logged', async () => {
    const credentials = { accessKeyId: `AKIA${fresh(8).toUpperCase()}`, secretAccessKey: fresh(20), sessionToken: `IQoJb3JpZ2luX2Vj${fresh(40)}` };
    const url = await serve((req) => {
      // AWS's own answer to a bad signature: the canonical request it expected, signed headers and their values included.
      const signed = /SignedHeaders=([^,]+)/.exec(String(req.headers.authorization))?.[1]?.split(';') ?? [];
      const canonical = ['POST', '/', '', ...signed.map((h) => `${h}:${String(req.headers[h])}`), '', signed.join(';'), 'e3b0c442'].join('\n');
      const message = `The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${canonical}'`;
      return {
        status: 403,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'req-403' },
        body: `<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>${message.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Message></Error><RequestId>req-403</RequestId></ErrorResponse>`,
      };
    });
    const client = new CloudFormationClient({ region: 'eu-west-1', endpoint: url, maxAttempts: 1, credentials });
    try {
      const raw = await client.send(new DescribeStacksCommand({ StackName: 'devbot-dev' })).then(() => new Error('DescribeStacks succeeded'), (e: unknown) => e as Error);
      expect(raw.message).toContain(credentials.sessionToken); // what AWS sends back really holds it
      const { log, lines, entry } = memoryLog();
      log.error({ err: raw }, 'raw');
      log.warn({ error: raw }, 'raw under another key');
      log.error({ err: translateAwsError(raw, 'cloudformation', 'while describing stack devbot-dev', 'devbot-dev') }, 'translated');

      const text = lines.join('\n');
      for (const secret of Object.values(credentials)) expect(text).not.toContain(secret);
      const expected = { code: 'SignatureDoesNotMatch', status: 403, message: expect.stringMatching(/^The request signature we calculated does not match/) };
      expect(entry('raw')?.['err']).toMatchObject(expected);
      expect(entry('raw under another key')?.['error']).toMatchObject(expected);
      expect(entry('translated')?.['err']).toMatchObject({ type: 'UpstreamError', message: expect.stringMatching(/^AWS rejected devbot's credentials while describing stack devbot-dev \(SignatureDoesNotMatch/), cause: expected });
      expect(text).toContain('x-amz-security-token:[redacted]');
    } finally {
      client.destroy();
    }
  });

  it('secret-named fields are censored at any depth, whatever their case; other fields stay', () => {
    const { log, entry } = memoryLog();
    const botToken = `xoxb-${fresh(8)}`;
    log.info({ config: { slack: { botToken, port: 3000 }, nested: { deeper: { Authorization: 'Bearer abc', 'X-Slack-Signature': 'v0=abc', Cookie: 'a=b', name: 'ok' } } } }, 'config');
    expect(entry('config')).toMatchObject({
      config: { slack: { botToken: '[redacted]', port: 3000 }, nested: { deeper: { Authorization: '[redacted]', 'X-Slack-Signature': '[redacted]', Cookie: '[redacted]', name: 'ok' } } },
    });
  });
});
