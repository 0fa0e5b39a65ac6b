import {
  CancelUpdateStackCommand,
  ChangeSetNotFoundException,
  CloudFormationClient,
  CloudFormationServiceException,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type Change,
  type ResourceStatus,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * A stateful CloudFormation behind a real CloudFormationClient whose `send` aws-sdk-client-mock
 * answers, so the real adapter (paging, error translation, retries) runs against it. It behaves
 * as CloudFormation does as far as devbot can tell: change sets go CREATE_PENDING →
 * CREATE_IN_PROGRESS → CREATE_COMPLETE (or FAILED "didn't contain changes") over polls; an
 * executed change set moves the stack one event per DescribeStacks poll through IN_PROGRESS to
 * COMPLETE, or through a resource failure into a rollback; CancelUpdateStack turns a running
 * update into a rollback; events are listed newest first in pages of four.
 */

type Template = { Resources: Record<string, { Type: string; Properties?: unknown }> };
interface FakeChangeSet { name: string; status: string; reason?: string; execution: string; created: Date; type: 'CREATE' | 'UPDATE'; template: Template; changes: Change[]; polls: number }
interface FakeStack {
  name: string;
  status: string;
  reason?: string;
  created: Date;
  updated?: Date;
  template: Template;
  events: StackEvent[];
  /** What the next DescribeStacks polls will do, one step each. */
  plan: Array<() => void>;
  changeSets: Map<string, FakeChangeSet>;
  /** Set while an update runs: turns the rest of it into a rollback. */
  cancel?: () => void;
}

export interface FakeCloudFormation {
  client: CloudFormationClient;
  stacks: Map<string, FakeStack>;
  /** A stack that already exists, in `status`, made from `template`. */
  seedStack(name: string, template: object, status?: string): void;
  /** The next execution fails at this resource with this reason (and rolls back). */
  failNext(logicalId: string, reason: string): void;
  /** While paused, running operations do not move. */
  pause(): void;
  /** Pauses by itself once `steps` more steps have been taken. */
  pauseAfter(steps: number): void;
  resume(): void;
  /** The next `n` calls of any kind answer "Rate exceeded". */
  throttleNext(n: number): void;
  /** Replacement CloudFormation reports for a modified resource (default False). */
  replacements: Record<string, 'True' | 'Conditional'>;
  /** Names of the commands received, in order. */
  calls: string[];
}

const error = (name: string, message: string) => new CloudFormationServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode: 400 } });
const ACTION_VERB = { Add: 'CREATE', Modify: 'UPDATE', Remove: 'DELETE' } as const;

export function createFakeCloudFormation(opts: { now?: () => Date } = {}): FakeCloudFormation {
  const client = new CloudFormationClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' } });
  const mock = mockClient(client);
  const stacks = new Map<string, FakeStack>();
  let clock = (opts.now ?? (() => new Date()))().getTime();
  const tick = () => new Date((clock += 1000));
  let failing: { logicalId: string; reason: string } | undefined;
  let paused = false;
  let stepsUntilPause = Infinity;
  let throttled = 0;
  let eventNo = 0;
  const calls: string[] = [];

  const stackOf = (name: string | undefined) => {
    const s = stacks.get(name ?? '');
    if (!s) throw error('ValidationError', `Stack with id ${name} does not exist`);
    return s;
  };
  const event = (s: FakeStack, logicalId: string, type: string, status: string, reason?: string) => {
    const e: StackEvent = { EventId: `ev-${++eventNo}`, StackId: s.name, StackName: s.name, LogicalResourceId: logicalId, ResourceType: type, Timestamp: tick(), ResourceStatus: status as ResourceStatus, ...(reason ? { ResourceStatusReason: reason } : {}) };
    s.events.unshift(e);
  };
  const setStack = (s: FakeStack, status: string, reason?: string) => {
    s.status = status;
    s.reason = reason;
    event(s, s.name, 'AWS::CloudFormation::Stack', status, reason);
  };

  function diff(from: Template | undefined, to: Template, replacements: Record<string, 'True' | 'Conditional'>): Change[] {
    const old = from?.Resources ?? {};
    const changes: Change[] = [];
    for (const [id, r] of Object.entries(to.Resources)) {
      const before = old[id];
      if (!before) changes.push({ Type: 'Resource', ResourceChange: { Action: 'Add', LogicalResourceId: id, ResourceType: r.Type } });
      else if (JSON.stringify(before) !== JSON.stringify(r)) {
        const props = { ...(before.Properties as object), ...(r.Properties as object) } as Record<string, unknown>;
        const changed = Object.keys(props).filter((k) => JSON.stringify((before.Properties as Record<string, unknown>)?.[k]) !== JSON.stringify((r.Properties as Record<string, unknown>)?.[k]));
        changes.push({ Type: 'Resource', ResourceChange: {
          Action: 'Modify', LogicalResourceId: id, PhysicalResourceId: `${id.toLowerCase()}-1234`, ResourceType: r.Type, Replacement: replacements[id] ?? 'False', Scope: ['Properties'],
          Details: changed.map((name) => ({ Target: { Attribute: 'Properties', Name: name, RequiresRecreation: 'Never' }, Evaluation: 'Static', ChangeSource: 'DirectModification' })),
        } });
      }
    }
    for (const [id, r] of Object.entries(old)) if (!to.Resources[id]) changes.push({ Type: 'Resource', ResourceChange: { Action: 'Remove', LogicalResourceId: id, ResourceType: r.Type, PhysicalResourceId: `${id.toLowerCase()}-1234` } });
    return changes;
  }

  /** The steps of an execution, applied one per poll. */
  function planExecution(s: FakeStack, cs: FakeChangeSet) {
    const op = cs.type === 'CREATE' ? 'CREATE' : 'UPDATE';
    const fail = failing;
    failing = undefined;
    const steps: Array<() => void> = [() => setStack(s, `${op}_IN_PROGRESS`, 'User Initiated')];
    const done: Array<{ id: string; type: string; action: 'Add' | 'Modify' }> = [];
    // Undoes, newest first, what was done by the time the rollback starts.
    const rollback = (reason: string) => {
      steps.push(() => {
        setStack(s, op === 'CREATE' ? 'ROLLBACK_IN_PROGRESS' : 'UPDATE_ROLLBACK_IN_PROGRESS', reason);
        const more: Array<() => void> = [];
        for (const r of [...done].reverse()) {
          const verb = r.action === 'Add' ? 'DELETE' : 'UPDATE';
          more.push(() => event(s, r.id, r.type, `${verb}_IN_PROGRESS`), () => event(s, r.id, r.type, `${verb}_COMPLETE`));
        }
        if (op === 'UPDATE') more.push(() => setStack(s, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'));
        more.push(() => {
          setStack(s, op === 'CREATE' ? 'ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_COMPLETE');
          cs.execution = 'EXECUTE_FAILED';
          s.cancel = undefined;
        });
        s.plan.unshift(...more);
      });
    };
    const work = cs.changes.map((c) => c.ResourceChange!).filter((r) => r.Action !== 'Remove');
    for (const r of work) {
      const id = r.LogicalResourceId!;
      const type = r.ResourceType!;
      const verb = ACTION_VERB[r.Action as 'Add' | 'Modify'];
      steps.push(() => event(s, id, type, `${verb}_IN_PROGRESS`));
      if (fail?.logicalId === id) {
        steps.push(() => event(s, id, type, `${verb}_FAILED`, fail.reason));
        rollback(`The following resource(s) failed to ${verb.toLowerCase()}: [${id}]. ${op === 'CREATE' ? 'Rollback requested by user.' : ''}`.trim());
        s.plan = steps;
        return;
      }
      steps.push(() => {
        event(s, id, type, `${verb}_COMPLETE`);
        done.push({ id, type, action: r.Action as 'Add' | 'Modify' });
      });
    }
    if (op === 'UPDATE') steps.push(() => setStack(s, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'));
    for (const c of cs.changes.filter((c) => c.ResourceChange?.Action === 'Remove')) {
      const r = c.ResourceChange!;
      steps.push(() => event(s, r.LogicalResourceId!, r.ResourceType!, 'DELETE_IN_PROGRESS'), () => event(s, r.LogicalResourceId!, r.ResourceType!, 'DELETE_COMPLETE'));
    }
    steps.push(() => {
      setStack(s, `${op}_COMPLETE`);
      s.template = cs.template;
      s.updated = op === 'UPDATE' ? new Date(clock) : undefined;
      cs.execution = 'EXECUTE_COMPLETE';
      s.cancel = undefined;
    });
    s.plan = steps;
    s.cancel = () => {
      const inFlight = work.find((r) => !done.some((d) => d.id === r.LogicalResourceId) && s.events.some((e) => e.LogicalResourceId === r.LogicalResourceId && e.ResourceStatus?.endsWith('_IN_PROGRESS')));
      steps.length = 0;
      if (inFlight) steps.push(() => event(s, inFlight.LogicalResourceId!, inFlight.ResourceType!, 'UPDATE_FAILED', 'Resource update cancelled'));
      rollback('Stack update cancelled');
    };
  }

  const handle = <I, O>(name: string, fn: (input: I) => O) => async (input: I) => {
    calls.push(name);
    if (throttled > 0) {
      throttled--;
      throw error('Throttling', 'Rate exceeded');
    }
    return fn(input);
  };

  mock.on(DescribeStacksCommand).callsFake(handle('DescribeStacks', (input: { StackName?: string }) => {
    const s = stackOf(input.StackName);
    if (!paused && s.plan.length) {
      s.plan.shift()!();
      if (--stepsUntilPause <= 0) [paused, stepsUntilPause] = [true, Infinity];
    }
    return { Stacks: [{ StackName: s.name, StackId: `arn:aws:cloudformation:eu-west-1:123456789012:stack/${s.name}/1`, StackStatus: s.status, StackStatusReason: s.reason, CreationTime: s.created, LastUpdatedTime: s.updated }] } as never;
  }));
  mock.on(CreateChangeSetCommand).callsFake(handle('CreateChangeSet', (input: { StackName?: string; ChangeSetName?: string; ChangeSetType?: string; TemplateBody?: string }) => {
    const type = input.ChangeSetType === 'CREATE' ? 'CREATE' : 'UPDATE';
    let s = stacks.get(input.StackName ?? '');
    if (type === 'UPDATE' && (!s || s.status === 'REVIEW_IN_PROGRESS')) throw error('ValidationError', `Stack [${input.StackName}] does not exist`);
    if (type === 'CREATE' && s && s.status !== 'REVIEW_IN_PROGRESS') throw error('ValidationError', `Stack [${input.StackName}] already exists and cannot be created again with the changeSet [${input.ChangeSetName}].`);
    if (s && /_IN_PROGRESS$/.test(s.status) && s.status !== 'REVIEW_IN_PROGRESS') throw error('ValidationError', `Stack:arn:aws:cloudformation:eu-west-1:123456789012:stack/${s.name}/1 is in ${s.status} state and can not be updated.`);
    if (!s) {
      s = { name: input.StackName!, status: 'REVIEW_IN_PROGRESS', created: tick(), template: { Resources: {} }, events: [], plan: [], changeSets: new Map() };
      stacks.set(s.name, s);
      setStack(s, 'REVIEW_IN_PROGRESS', 'User Initiated');
    }
    if (s.changeSets.has(input.ChangeSetName!)) throw error('AlreadyExistsException', `ChangeSet ${input.ChangeSetName} already exists`);
    const template = JSON.parse(input.TemplateBody ?? '{}') as Template;
    if (!template.Resources) throw error('ValidationError', 'Template format error: At least one Resources member must be defined.');
    const changes = diff(type === 'CREATE' ? undefined : s.template, template, fake.replacements);
    s.changeSets.set(input.ChangeSetName!, { name: input.ChangeSetName!, status: 'CREATE_PENDING', execution: 'UNAVAILABLE', created: tick(), type, template, changes, polls: 0 });
    return { Id: `arn:changeset/${input.ChangeSetName}`, StackId: s.name } as never;
  }));
  mock.on(DescribeChangeSetCommand).callsFake(handle('DescribeChangeSet', (input: { StackName?: string; ChangeSetName?: string; NextToken?: string }) => {
    const s = stackOf(input.StackName);
    const cs = s.changeSets.get(input.ChangeSetName ?? '');
    if (!cs) throw new ChangeSetNotFoundException({ message: `ChangeSet [${input.ChangeSetName}] does not exist`, $metadata: { httpStatusCode: 404 } });
    if (!input.NextToken && cs.status !== 'CREATE_COMPLETE' && cs.status !== 'FAILED') {
      cs.polls++;
      if (cs.polls === 1) cs.status = 'CREATE_IN_PROGRESS';
      else if (cs.changes.length === 0) Object.assign(cs, { status: 'FAILED', reason: "The submitted information didn't contain changes. Submit different information to create a change set." });
      else Object.assign(cs, { status: 'CREATE_COMPLETE', execution: 'AVAILABLE' });
    }
    const from = Number(input.NextToken ?? 0);
    const page = cs.status === 'CREATE_COMPLETE' ? cs.changes.slice(from, from + 5) : [];
    const next = cs.status === 'CREATE_COMPLETE' && from + 5 < cs.changes.length ? String(from + 5) : undefined;
    return { ChangeSetName: cs.name, StackName: s.name, Status: cs.status, StatusReason: cs.reason, ExecutionStatus: cs.execution, CreationTime: cs.created, Changes: page, NextToken: next } as never;
  }));
  mock.on(ExecuteChangeSetCommand).callsFake(handle('ExecuteChangeSet', (input: { StackName?: string; ChangeSetName?: string }) => {
    const s = stackOf(input.StackName);
    const cs = s.changeSets.get(input.ChangeSetName ?? '');
    if (!cs) throw new ChangeSetNotFoundException({ message: `ChangeSet [${input.ChangeSetName}] does not exist`, $metadata: { httpStatusCode: 404 } });
    if (cs.execution !== 'AVAILABLE') throw error('InvalidChangeSetStatus', `ChangeSet [${cs.name}] cannot be executed in its current execution status of [${cs.execution}]`);
    cs.execution = 'EXECUTE_IN_PROGRESS';
    // Like CloudFormation: executing one change set removes the stack's others.
    for (const other of [...s.changeSets.keys()]) if (other !== cs.name) s.changeSets.delete(other);
    planExecution(s, cs);
    // The stack is IN_PROGRESS as soon as the call returns.
    s.plan.shift()!();
    return {} as never;
  }));
  mock.on(DeleteChangeSetCommand).callsFake(handle('DeleteChangeSet', (input: { StackName?: string; ChangeSetName?: string }) => {
    const s = stackOf(input.StackName);
    if (!s.changeSets.delete(input.ChangeSetName ?? '')) throw new ChangeSetNotFoundException({ message: `ChangeSet [${input.ChangeSetName}] does not exist`, $metadata: { httpStatusCode: 404 } });
    return {} as never;
  }));
  mock.on(DescribeStackEventsCommand).callsFake(handle('DescribeStackEvents', (input: { StackName?: string; NextToken?: string }) => {
    const s = stackOf(input.StackName);
    const from = Number(input.NextToken ?? 0);
    return { StackEvents: s.events.slice(from, from + 4), NextToken: from + 4 < s.events.length ? String(from + 4) : undefined } as never;
  }));
  mock.on(CancelUpdateStackCommand).callsFake(handle('CancelUpdateStack', (input: { StackName?: string }) => {
    const s = stackOf(input.StackName);
    if (s.status !== 'UPDATE_IN_PROGRESS') throw error('ValidationError', `CancelUpdateStack cannot be called from current stack status ${s.status}`);
    s.cancel?.();
    return {} as never;
  }));

  const fake: FakeCloudFormation = {
    client,
    stacks,
    calls,
    replacements: {},
    seedStack(name, template, status = 'CREATE_COMPLETE') {
      const s: FakeStack = { name, status, created: tick(), template: template as Template, events: [], plan: [], changeSets: new Map() };
      stacks.set(name, s);
      setStack(s, status);
    },
    failNext: (logicalId, reason) => void (failing = { logicalId, reason }),
    pause: () => void (paused = true),
    pauseAfter: (steps) => void (stepsUntilPause = steps),
    resume: () => void (paused = false),
    throttleNext: (n) => void (throttled = n),
  };
  return fake;
}
