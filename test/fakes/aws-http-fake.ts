/**
 * CloudFormation and Auto Scaling at the wire, for a shipped `devbot worker` (AWS_ENDPOINT_URL
 * points the real SDK clients here). Both speak the AWS Query protocol: a form POST naming the
 * Action and Version, answered in XML, errors as `<ErrorResponse>` with HTTP 400. It answers the
 * reads `/dev status` and the stack verbs make — DescribeStacks, DescribeStackEvents,
 * DescribeAutoScalingGroups (by tag filter or by name, paged), DescribeScalingActivities — from a
 * model the test sets up and may change between calls; any other Action is refused as AWS refuses
 * an unknown one. A machine replacement needs two more: TerminateInstanceInAutoScalingGroup (the
 * group then behaves as aws-scaling-state.ts says) and EC2's DescribeInstances (EC2's own Query
 * dialect: `InstanceId.N`, `Filter.N.Value.M`, `<reservationSet>` items, `<Response><Errors>`).
 * `throttle` makes the next calls of an action fail as AWS throttles. Imports nothing from src/,
 * so acceptance tests and benches may use it.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeInstances } from './aws-ec2-wire.js';
import { createScalingState, ScalingRefusal, type ScalingOptions, type ScalingState } from './aws-scaling-state.js';

export interface FakeStackModel {
  name: string;
  status: string;
  statusReason?: string;
  createdAt: Date;
  lastUpdatedAt?: Date;
  outputs?: Record<string, string>;
  /** Oldest first, as they happened; DescribeStackEvents lists them newest first. */
  events?: Array<{ logicalId: string; resourceType: string; status: string; reason?: string; timestamp: Date }>;
}

export interface FakeGroupModel {
  name: string;
  /** The stack that made it: its `aws:cloudformation:stack-name` tag. */
  stackName: string;
  /** Its `aws:cloudformation:logical-id` tag (MainGroup, WorkerGroup, DataGroup). */
  logicalId: string;
  min: number;
  max: number;
  desired: number;
  /** privateIp and launchedAt are what EC2's DescribeInstances tells of them (default: none, the Unix epoch). */
  instances: Array<{ id: string; zone: string; lifecycle: string; health: 'Healthy' | 'Unhealthy'; privateIp?: string; launchedAt?: Date }>;
  /** Newest first, as AWS lists them. */
  activities?: Array<{ description: string; cause: string; status: string; startedAt: Date; statusMessage?: string }>;
}

export interface AwsHttpFake {
  /** For AWS_ENDPOINT_URL. */
  url: string;
  /** The model answered from; change it between calls. */
  stacks: Map<string, FakeStackModel>;
  groups: FakeGroupModel[];
  /** Every request: its Action, the service its SigV4 credential scope names, and the access key id it signed with. */
  requests: Array<{ action: string; service: string; accessKeyId: string; receivedAt: number }>;
  /** The groups' behaviour over time: instances terminated, replacements launched. */
  scaling: ScalingState;
  /** The next `times` calls of `action` fail throttled (HTTP 400, `code`: AWS's own per service by default). */
  throttle(action: string, times: number, code?: string): void;
  close(): Promise<void>;
}

/** The environment a process needs to reach this fake with static (fake) credentials. */
export function awsFakeEnv(url: string, region = 'eu-west-1'): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: url,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'AKIDFAKEAWSHTTP00000',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key-for-the-http-fake',
    AWS_EC2_METADATA_DISABLED: 'true',
    // A developer's own profile must not be read (nor its SSO session refreshed).
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
  };
}

/**
 * A stack as `devbot stack create` leaves it, with the three groups the template makes (main,
 * worker, data) sized as given, every instance in service, and a recent scaling activity each.
 */
export function threeGroupStack(stackName: string, sizes: { main: number; worker: number; data: number }, now = new Date()): { stack: FakeStackModel; groups: FakeGroupModel[] } {
  const created = new Date(now.getTime() - 86_400_000);
  const group = (logicalId: string, n: number, g: number): FakeGroupModel => ({
    name: `${stackName}-${logicalId}-1B2C3D4E5F6A7`,
    stackName,
    logicalId,
    min: n,
    max: n + 3,
    desired: n,
    instances: Array.from({ length: n }, (_, i) => ({ id: `i-0${g}${i.toString(16).padStart(15, '0')}`, zone: `eu-west-1${'abc'[i % 3]!}`, lifecycle: 'InService', health: 'Healthy' as const })),
    activities: [{ description: 'Launching a new EC2 instance', cause: 'At 2024-01-01T00:00:00Z a user request update of AutoScalingGroup constraints', status: 'Successful', startedAt: new Date(now.getTime() - 3_600_000) }],
  });
  return {
    stack: {
      name: stackName,
      status: 'UPDATE_COMPLETE',
      createdAt: created,
      lastUpdatedAt: new Date(now.getTime() - 3_600_000),
      outputs: { VpcId: 'vpc-0123456789abcdef0' },
      events: [
        { logicalId: stackName, resourceType: 'AWS::CloudFormation::Stack', status: 'UPDATE_IN_PROGRESS', reason: 'User Initiated', timestamp: new Date(now.getTime() - 3_700_000) },
        { logicalId: stackName, resourceType: 'AWS::CloudFormation::Stack', status: 'UPDATE_COMPLETE', timestamp: new Date(now.getTime() - 3_600_000) },
      ],
    },
    groups: [group('MainGroup', sizes.main, 1), group('WorkerGroup', sizes.worker, 2), group('DataGroup', sizes.data, 3)],
  };
}

export const NS = { cloudformation: 'http://cloudformation.amazonaws.com/doc/2010-05-15/', autoscaling: 'http://autoscaling.amazonaws.com/doc/2011-01-01/', ec2: 'http://ec2.amazonaws.com/doc/2016-11-15/' } as const;
/** The code each service throttles with. */
const THROTTLED: Record<keyof typeof NS, string> = { cloudformation: 'Throttling', autoscaling: 'Throttling', ec2: 'RequestLimitExceeded' };
const PAGE = 50; // DescribeAutoScalingGroups' default MaxRecords

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export const el = (name: string, value: string | number | boolean | Date | undefined): string =>
  value === undefined ? '' : `<${name}>${value instanceof Date ? value.toISOString() : esc(String(value))}</${name}>`;
const list = <T>(name: string, items: T[], each: (item: T) => string): string => `<${name}>${items.map((i) => `<member>${each(i)}</member>`).join('')}</${name}>`;

export class QueryError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message);
  }
}

function ok(service: keyof typeof NS, action: string, result: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><${action}Response xmlns="${NS[service]}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
}

function errorXml(service: keyof typeof NS, e: QueryError): string {
  if (service === 'ec2') return `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${esc(e.code)}</Code><Message>${esc(e.message)}</Message></Error></Errors><RequestID>${crypto.randomUUID()}</RequestID></Response>`;
  return `<ErrorResponse xmlns="${NS[service]}"><Error><Type>Sender</Type><Code>${esc(e.code)}</Code><Message>${esc(e.message)}</Message></Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`;
}

const stackId = (s: FakeStackModel) => `arn:aws:cloudformation:eu-west-1:123456789012:stack/${s.name}/00000000-0000-0000-0000-${s.name.length.toString().padStart(12, '0')}`;

function stackXml(s: FakeStackModel): string {
  return el('StackName', s.name) + el('StackId', stackId(s)) + el('CreationTime', s.createdAt) + el('LastUpdatedTime', s.lastUpdatedAt) + el('StackStatus', s.status) + el('StackStatusReason', s.statusReason) +
    list('Outputs', Object.entries(s.outputs ?? {}), ([k, v]) => el('OutputKey', k) + el('OutputValue', v)) + list('Tags', [], () => '');
}

function groupXml(g: FakeGroupModel): string {
  const tags = [['aws:cloudformation:stack-name', g.stackName], ['aws:cloudformation:logical-id', g.logicalId]] as const;
  return el('AutoScalingGroupName', g.name) +
    el('AutoScalingGroupARN', `arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:00000000-0000-0000-0000-000000000000:autoScalingGroupName/${g.name}`) +
    el('MinSize', g.min) + el('MaxSize', g.max) + el('DesiredCapacity', g.desired) + el('DefaultCooldown', 300) +
    list('AvailabilityZones', ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], (z) => z) + el('HealthCheckType', 'EC2') + el('HealthCheckGracePeriod', 300) +
    list('Instances', g.instances, (i) => el('InstanceId', i.id) + el('AvailabilityZone', i.zone) + el('LifecycleState', i.lifecycle) + el('HealthStatus', i.health) + el('ProtectedFromScaleIn', false)) +
    el('CreatedTime', new Date(0)) +
    list('Tags', [...tags], ([k, v]) => el('ResourceId', g.name) + el('ResourceType', 'auto-scaling-group') + el('Key', k) + el('Value', v) + el('PropagateAtLaunch', true));
}

/** The members of a Query-protocol list parameter: `Prefix.member.1`, `Prefix.member.2`, … */
function members(form: URLSearchParams, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; form.has(`${prefix}.member.${i}`); i++) out.push(form.get(`${prefix}.member.${i}`)!);
  return out;
}

function answer(fake: Pick<AwsHttpFake, 'stacks' | 'groups' | 'scaling'>, action: string, form: URLSearchParams): { service: keyof typeof NS; xml: string } {
  const stackNamed = (name: string | null): FakeStackModel => {
    const s = name ? fake.stacks.get(name) ?? [...fake.stacks.values()].find((x) => stackId(x) === name) : undefined;
    if (!s) throw new QueryError('ValidationError', `Stack with id ${name ?? ''} does not exist`);
    return s;
  };
  switch (action) {
    case 'DescribeStacks': {
      const name = form.get('StackName');
      const stacks = name ? [stackNamed(name)] : [...fake.stacks.values()];
      return { service: 'cloudformation', xml: ok('cloudformation', action, list('Stacks', stacks, stackXml)) };
    }
    case 'DescribeStackEvents': {
      const s = stackNamed(form.get('StackName'));
      const events = [...(s.events ?? [])].reverse().map((e, i) =>
        el('StackId', stackId(s)) + el('EventId', `${e.logicalId}-${e.status}-${i}`) + el('StackName', s.name) + el('LogicalResourceId', e.logicalId) +
        el('PhysicalResourceId', e.logicalId === s.name ? stackId(s) : e.logicalId) + el('ResourceType', e.resourceType) + el('Timestamp', e.timestamp) + el('ResourceStatus', e.status) + el('ResourceStatusReason', e.reason));
      return { service: 'cloudformation', xml: ok('cloudformation', action, `<StackEvents>${events.map((e) => `<member>${e}</member>`).join('')}</StackEvents>`) };
    }
    case 'DescribeInstances':
      return { service: 'ec2', xml: describeInstances(fake, form) };
    case 'TerminateInstanceInAutoScalingGroup': {
      const id = form.get('InstanceId') ?? '';
      try {
        const done = fake.scaling.terminate(id, form.get('ShouldDecrementDesiredCapacity') === 'true');
        const a = el('ActivityId', crypto.randomUUID()) + el('AutoScalingGroupName', done.groupName) + el('Description', done.description) + el('Cause', done.cause) +
          el('StartTime', new Date()) + el('StatusCode', 'InProgress') + el('Progress', 0);
        return { service: 'autoscaling', xml: ok('autoscaling', action, `<Activity>${a}</Activity>`) };
      } catch (e) {
        if (e instanceof ScalingRefusal) throw new QueryError(e.code, e.message);
        throw e;
      }
    }
    case 'DescribeAutoScalingGroups': {
      fake.scaling.poll();
      const names = members(form, 'AutoScalingGroupNames');
      const filters: Array<{ name: string; values: string[] }> = [];
      for (let i = 1; form.has(`Filters.member.${i}.Name`); i++) filters.push({ name: form.get(`Filters.member.${i}.Name`)!, values: members(form, `Filters.member.${i}.Values`) });
      const tagOf = (g: FakeGroupModel, key: string) => (key === 'aws:cloudformation:stack-name' ? g.stackName : key === 'aws:cloudformation:logical-id' ? g.logicalId : undefined);
      const matching = fake.groups.filter((g) =>
        (!names.length || names.includes(g.name)) &&
        filters.every((f) => (f.name.startsWith('tag:') ? f.values.includes(tagOf(g, f.name.slice(4)) ?? '\0') : f.name === 'auto-scaling-group' ? f.values.includes(g.name) : true)));
      const size = Number(form.get('MaxRecords') ?? PAGE);
      const from = Number(form.get('NextToken') ?? 0);
      const page = matching.slice(from, from + size);
      const next = from + size < matching.length ? el('NextToken', String(from + size)) : '';
      return { service: 'autoscaling', xml: ok('autoscaling', action, list('AutoScalingGroups', page, groupXml) + next) };
    }
    case 'DescribeScalingActivities': {
      const name = form.get('AutoScalingGroupName');
      const g = fake.groups.find((x) => x.name === name);
      // AWS answers an unknown group with an empty list, not an error.
      const activities = (g?.activities ?? []).slice(0, Number(form.get('MaxRecords') ?? 100));
      return {
        service: 'autoscaling',
        xml: ok('autoscaling', action, list('Activities', activities, (a) =>
          el('ActivityId', `${g!.name}-${a.startedAt.getTime()}`) + el('AutoScalingGroupName', g!.name) + el('Description', a.description) + el('Cause', a.cause) +
          el('StartTime', a.startedAt) + el('EndTime', a.startedAt) + el('StatusCode', a.status) + el('StatusMessage', a.statusMessage) + el('Progress', 100))),
      };
    }
    default:
      throw new QueryError('InvalidAction', `The action ${action} is not valid for this web service.`);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startAwsHttpFake(model: { stacks?: FakeStackModel[]; groups?: FakeGroupModel[]; scaling?: ScalingOptions } = {}): Promise<AwsHttpFake> {
  const groups = [...(model.groups ?? [])];
  const throttles = new Map<string, { left: number; code?: string }>();
  const fake = {
    stacks: new Map((model.stacks ?? []).map((s) => [s.name, s])), groups, requests: [] as AwsHttpFake['requests'], scaling: createScalingState(groups, model.scaling),
    throttle: (action: string, times: number, code?: string) => void throttles.set(action, { left: times, ...(code ? { code } : {}) }),
  };
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const form = new URLSearchParams(body);
      const action = form.get('Action') ?? '';
      // SigV4: Credential=<key id>/<date>/<region>/<service>/aws4_request
      const scope = /Credential=([^/,\s]+)\/\d+\/[^/]+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
      fake.requests.push({ action, service: scope?.[2] ?? '', accessKeyId: scope?.[1] ?? '', receivedAt: Date.now() });
      const version = form.get('Version');
      const service = version === '2011-01-01' ? 'autoscaling' : version === '2016-11-15' ? 'ec2' : 'cloudformation';
      try {
        const throttled = throttles.get(action);
        if (throttled && throttled.left > 0) {
          throttled.left--;
          throw new QueryError(throttled.code ?? THROTTLED[service], 'Rate exceeded');
        }
        const { xml } = answer(fake, action, form);
        res.writeHead(200, { 'content-type': 'text/xml' }).end(xml);
      } catch (e) {
        const err = e instanceof QueryError ? e : new QueryError('InternalFailure', String(e), 500);
        res.writeHead(err.status, { 'content-type': 'text/xml' }).end(errorXml(service, err));
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  });
}
