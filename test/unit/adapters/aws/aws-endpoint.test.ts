import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../../../src/adapters/aws/aws-clients.js';
import { AwsNotConfiguredError } from '../../../../src/ports/stacks.js';

/**
 * The real SDK clients, built as build-deps builds them (default credential chain and region),
 * against a local CloudFormation stand-in found through AWS_ENDPOINT_URL: what goes over the wire
 * and what a real error response becomes. The environment is emptied of every AWS setting first;
 * the instance metadata service is switched off so nothing leaves the machine.
 */

const XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
interface Seen { action: string; body: URLSearchParams; authorization: string }

const stackXml = `<DescribeStacksResponse xmlns="${XMLNS}"><DescribeStacksResult><Stacks><member>
  <StackName>devbot-prod</StackName><StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/devbot-prod/1</StackId>
  <CreationTime>2026-01-01T00:00:00.000Z</CreationTime><StackStatus>UPDATE_COMPLETE</StackStatus>
  <Outputs><member><OutputKey>VpcId</OutputKey><OutputValue>vpc-0abc</OutputValue></member></Outputs>
</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DescribeStacksResponse>`;
const errorXml = (code: string, message: string) => `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r2</RequestId></ErrorResponse>`;

describe('AWS clients through AWS_ENDPOINT_URL, with the default credential chain', () => {
  let server: Server;
  let url = '';
  const seen: Seen[] = [];
  let answers: Array<[number, string]> = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const body = new URLSearchParams(text);
        seen.push({ action: body.get('Action') ?? '', body, authorization: String(req.headers.authorization ?? '') });
        const [status, xml] = answers.shift() ?? [200, stackXml];
        if (status === 0) return; // no answer at all
        res.writeHead(status, { 'content-type': 'text/xml' }).end(xml);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));

  beforeEach(() => {
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: url, AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent/aws-config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    });
    seen.length = 0;
    answers = [];
  });
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, saved);
  });

  const withCredentials = () => Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST', AWS_SECRET_ACCESS_KEY: 'local-secret' });
  const fast = { sleep: async () => {}, random: () => 0 };

  it('sends signed requests to the endpoint and reads the answer', async () => {
    withCredentials();
    const aws = createAwsPorts({ region: 'eu-west-1', retry: fast });
    const stack = await aws.stacks.describeStack('devbot-prod');
    expect(stack).toMatchObject({ name: 'devbot-prod', status: 'UPDATE_COMPLETE', outputs: { VpcId: 'vpc-0abc' } });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.action).toBe('DescribeStacks');
    expect(seen[0]!.body.get('StackName')).toBe('devbot-prod');
    expect(seen[0]!.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST\/\d{8}\/eu-west-1\/cloudformation\/aws4_request/);
    aws.close();
  });

  it('retries a throttled call (400 Throttling), then answers', async () => {
    withCredentials();
    answers = [[400, errorXml('Throttling', 'Rate exceeded')], [400, errorXml('Throttling', 'Rate exceeded')]];
    const aws = createAwsPorts({ region: 'eu-west-1', retry: fast });
    expect((await aws.stacks.describeStack('devbot-prod'))?.status).toBe('UPDATE_COMPLETE');
    expect(seen.map((s) => s.action)).toEqual(['DescribeStacks', 'DescribeStacks', 'DescribeStacks']);
    aws.close();
  });

  it('a call that gets no answer times out and is retried, then reported as AWS not answering', async () => {
    withCredentials();
    answers = [[0, ''], [0, '']];
    const aws = createAwsPorts({ region: 'eu-west-1', retry: { ...fast, attempts: 2 }, requestTimeoutMs: 150 });
    await expect(aws.stacks.describeChangeSet('devbot-prod', 'cs')).rejects.toMatchObject({
      userFacing: expect.stringMatching(/^AWS did not answer while reading change set cs of devbot-prod \(TimeoutError: .*requestTimeout.*\)\. It was retried; try again shortly\.$/),
      retryable: true,
    });
    expect(seen).toHaveLength(2);
    aws.close();
  });

  it('access denied: says which call was denied, not retried', async () => {
    withCredentials();
    answers = [[403, errorXml('AccessDenied', 'User: arn:aws:iam::123456789012:user/devbot is not authorized to perform: cloudformation:CancelUpdateStack')]];
    const aws = createAwsPorts({ region: 'eu-west-1', retry: fast });
    await expect(aws.stacks.cancelUpdate('devbot-prod')).rejects.toMatchObject({
      userFacing: expect.stringMatching(/^AWS denied devbot while cancelling the update of devbot-prod: User: .* cloudformation:CancelUpdateStack\. Grant devbot's IAM identity/),
      retryable: false,
    });
    expect(seen).toHaveLength(1);
    aws.close();
  });

  it('no credentials anywhere: AWS is not configured, and nothing is sent', async () => {
    const aws = createAwsPorts({ region: 'eu-west-1', retry: fast });
    const failure = await aws.stacks.describeStack('devbot-prod').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AwsNotConfiguredError);
    expect((failure as AwsNotConfiguredError).userFacing).toMatch(/^AWS is not configured: no credentials were found \(.*\)\. devbot uses the AWS SDK’s default credentials/);
    expect(seen).toHaveLength(0);
    aws.close();
  });

  it('no region anywhere: AWS is not configured, and nothing is sent', async () => {
    withCredentials();
    const aws = createAwsPorts({ retry: fast });
    await expect(aws.groups.listForStack('devbot-prod')).rejects.toThrow(/^AWS is not configured: no region is set/);
    expect(seen).toHaveLength(0);
    aws.close();
  });
});
