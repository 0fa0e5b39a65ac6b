import {
  CancelUpdateStackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type CloudFormationClient,
} from '@aws-sdk/client-cloudformation';
import type { ChangeSetView, ResourceChange, StackEvent, Stacks } from '../../ports/stacks.js';
import { translateAwsError } from './aws-errors.js';
import { toChange, toEvent, toStack } from './map-cloudformation.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './with-retry.js';

const notFound = (e: unknown, names: string[]) => {
  const { name, message } = e as { name?: string; message?: string };
  return names.includes(name ?? '') || (name === 'ValidationError' && /does not exist/i.test(message ?? ''));
};

/** The Stacks port over CloudFormation. One client per environment (its region); see aws-clients.ts. */
export function createAwsStacks(client: CloudFormationClient, retry: Partial<RetryPolicy> = {}): Stacks {
  const policy = { ...DEFAULT_RETRY, ...retry };
  const call = <T>(what: string, stackName: string, fn: (abortSignal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> =>
    withRetry(fn, policy, signal).catch((e: unknown) => {
      throw translateAwsError(e, 'cloudformation', what, stackName);
    });

  return {
    async describeStack(stackName, opts) {
      try {
        const out = await withRetry((abortSignal) => client.send(new DescribeStacksCommand({ StackName: stackName }), { abortSignal }), policy, opts?.signal);
        const stack = out.Stacks?.[0];
        return stack && toStack(stack);
      } catch (e) {
        if (notFound(e, [])) return undefined;
        throw translateAwsError(e, 'cloudformation', `while describing stack ${stackName}`, stackName);
      }
    },

    async createChangeSet(input) {
      const request = new CreateChangeSetCommand({
        StackName: input.stackName,
        ChangeSetName: input.changeSetName,
        ChangeSetType: input.type,
        TemplateBody: input.templateBody,
        Tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })),
        // A retried request (throttled, or lost on the way back) must not make a second change set.
        ClientToken: input.changeSetName,
        Description: 'Made by devbot',
      });
      await call(`while creating change set ${input.changeSetName} of ${input.stackName}`, input.stackName, async (abortSignal) => {
        try {
          await client.send(request, { abortSignal });
        } catch (e) {
          if ((e as { name?: string }).name !== 'AlreadyExistsException') throw e;
        }
      });
    },

    async describeChangeSet(stackName, changeSetName) {
      try {
        let view: ChangeSetView | undefined;
        let next: string | undefined;
        const changes: ResourceChange[] = [];
        do {
          const token = next;
          const out = await withRetry((abortSignal) => client.send(new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName, NextToken: token }), { abortSignal }), policy);
          view ??= {
            name: out.ChangeSetName ?? changeSetName,
            status: out.Status ?? 'UNKNOWN',
            ...(out.StatusReason ? { statusReason: out.StatusReason } : {}),
            ...(out.ExecutionStatus ? { executionStatus: out.ExecutionStatus } : {}),
            ...(out.CreationTime ? { createdAt: out.CreationTime } : {}),
            changes,
          };
          for (const c of out.Changes ?? []) if (c.ResourceChange) changes.push(toChange(c.ResourceChange));
          next = out.NextToken;
        } while (next);
        return view;
      } catch (e) {
        if (notFound(e, ['ChangeSetNotFoundException', 'ChangeSetNotFound'])) return undefined;
        throw translateAwsError(e, 'cloudformation', `while reading change set ${changeSetName} of ${stackName}`, stackName);
      }
    },

    async executeChangeSet(stackName, changeSetName, clientRequestToken) {
      await call(`while executing change set ${changeSetName} of ${stackName}`, stackName, (abortSignal) =>
        client.send(new ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName, ClientRequestToken: clientRequestToken }), { abortSignal }),
      );
    },

    async deleteChangeSet(stackName, changeSetName) {
      try {
        await withRetry((abortSignal) => client.send(new DeleteChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName }), { abortSignal }), policy);
      } catch (e) {
        if (notFound(e, ['ChangeSetNotFoundException', 'ChangeSetNotFound'])) return;
        throw translateAwsError(e, 'cloudformation', `while deleting change set ${changeSetName} of ${stackName}`, stackName);
      }
    },

    async eventsSince(stackName, since) {
      // Newest first, page by page, until the events are older than `since`.
      const events: StackEvent[] = [];
      let next: string | undefined;
      do {
        const token = next;
        const out = await call(`while reading the events of ${stackName}`, stackName, (abortSignal) =>
          client.send(new DescribeStackEventsCommand({ StackName: stackName, NextToken: token }), { abortSignal }),
        );
        for (const raw of out.StackEvents ?? []) {
          const event = toEvent(raw);
          if (event.timestamp < since) return events.reverse();
          events.push(event);
        }
        next = out.NextToken;
      } while (next);
      return events.reverse();
    },

    async cancelUpdate(stackName) {
      await call(`while cancelling the update of ${stackName}`, stackName, (abortSignal) =>
        client.send(new CancelUpdateStackCommand({ StackName: stackName }), { abortSignal }),
      );
    },
  };
}
