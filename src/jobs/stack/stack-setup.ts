import { awsConfigOf, stackNameOf, type AwsConfig } from '../../config/aws-schema.js';
import type { Deps } from '../../deps.js';
import { ConfigError, RefusedError } from '../../errors.js';
import type { StackSummary, Stacks } from '../../ports/stacks.js';
import { buildClusterTemplate, stackTags, TEMPLATE_BODY_LIMIT, templateBody } from '../../stack/cluster-template.js';
import { resolveServicePorts } from '../../stack/service-ports.js';
import { REVIEW, whyNotUpdatable } from '../../stack/stack-states.js';
import type { CfnTemplate } from '../../stack/template/template.js';

/** Everything a stack job works with, resolved from the environment's config. */
export interface StackSetup {
  environment: string;
  aws: AwsConfig;
  stackName: string;
  stacks: Stacks;
  template: CfnTemplate;
  body: string;
  tags: Record<string, string>;
  /** How long to wait between polls of a change set or a running operation. */
  pollMs: number;
}

/** Fails with ConfigError (saying how to configure AWS) when the environment has no `aws` section. */
export function setupStack(environment: string, deps: Pick<Deps, 'config' | 'stacksFor'>): StackSetup {
  const envConfig = deps.config.environments[environment];
  const aws = awsConfigOf(environment, envConfig);
  const template = buildClusterTemplate(environment, aws, resolveServicePorts(aws, envConfig));
  const body = templateBody(template);
  if (body.length > TEMPLATE_BODY_LIMIT) {
    throw new ConfigError(`The template for ${environment} is ${body.length} bytes, over CloudFormation's ${TEMPLATE_BODY_LIMIT} for an inline template. Fewer service ports or tags would shrink it.`);
  }
  return {
    environment, aws, stackName: stackNameOf(environment, aws), stacks: deps.stacksFor(environment),
    template, body, tags: stackTags(environment, aws), pollMs: aws.pollIntervalMs,
  };
}

/** The change set name a job uses: CloudFormation wants a letter first, then letters, digits and dashes. */
export function changeSetNameFor(prefix: string, jobId: string): string {
  return `${prefix}-${jobId}`.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 128);
}

/**
 * Whether `action` fits the stack as it is: create only what does not exist (or only awaits
 * review), update only what exists and can be updated now. Refuses, saying what to do, otherwise.
 */
export function changeSetTypeFor(action: 'create' | 'update', stackName: string, stack: StackSummary | undefined): 'CREATE' | 'UPDATE' {
  const absent = !stack || stack.status === REVIEW;
  if (action === 'create') {
    if (!absent) throw new RefusedError(`Stack ${stackName} already exists (${stack.status}): use \`/dev stack update\`, or \`/dev stack diff\` to see what it would change.`);
    return 'CREATE';
  }
  if (absent) throw new RefusedError(`Stack ${stackName} does not exist yet: use \`/dev stack create\`.`);
  const why = whyNotUpdatable(stackName, stack.status);
  if (why) throw new RefusedError(why);
  return 'UPDATE';
}
