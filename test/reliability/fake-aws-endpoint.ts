/**
 * A loopback stand-in for CloudFormation's endpoint, for the real AWS SDK client that devbot's
 * adapter builds (AWS_ENDPOINT_URL points it here): it answers every call in the AWS Query
 * protocol, throttling (400 Throttling, as AWS does under load) or saying the stack does not exist.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAwsPorts, type AwsPorts } from '../../src/adapters/aws/aws-clients.js';
import type { RetryPolicy } from '../../src/adapters/aws/with-retry.js';
import type { BuiltDeps } from '../../src/build-deps.js';
import { awsConfigOf } from '../../src/config/aws-schema.js';

export interface FakeAwsEndpoint {
  url: string;
  /** 'throttle': every call is refused with Throttling; 'no-stack': DescribeStacks finds nothing. */
  mode: 'throttle' | 'no-stack';
  /** The Action of every request received, in order. */
  actions: string[];
  /** The Authorization header of every request (SigV4: it names the access key id). */
  authorizations: string[];
  close(): Promise<void>;
}

const errorXml = (code: string, message: string) =>
  `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`;

export async function startFakeAwsEndpoint(): Promise<FakeAwsEndpoint> {
  const endpoint: Omit<FakeAwsEndpoint, 'url' | 'close'> = { mode: 'throttle', actions: [], authorizations: [] };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      endpoint.actions.push(form.get('Action') ?? '?');
      endpoint.authorizations.push(String(req.headers.authorization ?? ''));
      res.writeHead(400, { 'content-type': 'text/xml' });
      res.end(endpoint.mode === 'throttle' ? errorXml('Throttling', 'Rate exceeded') : errorXml('ValidationError', `Stack with id ${form.get('StackName') ?? '?'} does not exist`));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(endpoint, {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  });
}

/** Runs `fn` with these variables set in process.env (where the AWS SDK reads them), then puts the old values back. */
export async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** An `aws:` section for the bot's dev environment (stack `devbot-dev` in eu-west-1). */
export const DEV_AWS_YAML = `
environments:
  dev:
    aws: { region: eu-west-1, imageId: ami-0123456789abcdef0, sshCidr: 203.0.113.0/24, etcd: { discoveryUrl: 'https://discovery.etcd.io/0123456789abcdef' } }
`;

/**
 * The AWS ports as build-deps makes them (createAwsPorts: the SDK's default credentials, region
 * and AWS_ENDPOINT_URL), with retry timings a test can wait for: production tries 5 times, up to
 * 8 s apart, with random jitter.
 */
export function withAwsRetry(retry: Partial<RetryPolicy>): (deps: BuiltDeps) => void {
  return (deps) => {
    const ports = new Map<string, AwsPorts>();
    const portsFor = (environment: string): AwsPorts => {
      const settings = awsConfigOf(environment, deps.config.environments[environment]);
      let p = ports.get(environment);
      if (!p) ports.set(environment, (p = createAwsPorts({ region: settings.region, retry })));
      return p;
    };
    deps.stacksFor = (environment) => portsFor(environment).stacks;
    deps.groupsFor = (environment) => portsFor(environment).groups;
    const close = deps.close.bind(deps);
    deps.close = async () => {
      for (const p of ports.values()) p.close();
      await close();
    };
  };
}
