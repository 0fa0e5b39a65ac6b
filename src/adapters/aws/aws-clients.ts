import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { Instances } from '../../ports/instances.js';
import type { Groups } from '../../ports/groups.js';
import type { Stacks } from '../../ports/stacks.js';
import { createAwsGroups } from './aws-groups.js';
import { createAwsInstances } from './aws-instances.js';
import { createAwsStacks } from './aws-stacks.js';
import type { RetryPolicy } from './with-retry.js';

export interface AwsPorts {
  stacks: Stacks;
  groups: Groups;
  instances: Instances;
  close(): void;
}

/**
 * The AWS-backed ports of one environment. Credentials come from the SDK's default chain
 * (environment, shared config and SSO, container or instance role); the region from `region`
 * or the SDK's default (AWS_REGION, the profile); the endpoint from AWS_ENDPOINT_URL (or
 * AWS_ENDPOINT_URL_CLOUDFORMATION / _AUTO_SCALING) when set, for LocalStack or a test server.
 * Nothing is contacted until the first call, so a missing credential shows up there, as a
 * message saying how to configure AWS.
 */
export function createAwsPorts(opts: { region?: string; retry?: Partial<RetryPolicy>; requestTimeoutMs?: number }): AwsPorts {
  // The SDK's retries are off: with-retry.ts is the one retry policy (throttling, 5xx, network).
  // A call that hangs times out, and so is retried too, rather than holding a job (and its lock) forever.
  const requestHandler = { connectionTimeout: 5_000, requestTimeout: opts.requestTimeoutMs ?? 20_000, throwOnRequestTimeout: true };
  const config = { ...(opts.region ? { region: opts.region } : {}), maxAttempts: 1, requestHandler };
  const cloudformation = new CloudFormationClient(config);
  const autoscaling = new AutoScalingClient(config);
  const ec2 = new EC2Client(config);
  return {
    stacks: createAwsStacks(cloudformation, opts.retry),
    groups: createAwsGroups(autoscaling, opts.retry),
    instances: createAwsInstances({ ec2, autoscaling }, opts.retry),
    close() {
      cloudformation.destroy();
      autoscaling.destroy();
      ec2.destroy();
    },
  };
}
