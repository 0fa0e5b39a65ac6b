import { CloudFormationServiceException } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { isTransient, translateAwsError } from '../../../../src/adapters/aws/aws-errors.js';
import { UpstreamError } from '../../../../src/errors.js';
import { AwsNotConfiguredError } from '../../../../src/ports/stacks.js';

const sdk = (name: string, message: string, status = 400, fault: 'client' | 'server' = 'client') => new CloudFormationServiceException({ name, $fault: fault, message, $metadata: { httpStatusCode: status } });
const translate = (e: unknown) => translateAwsError(e, 'cloudformation', 'while updating stack devbot-prod', 'devbot-prod') as UpstreamError;

describe('AWS errors, translated for the user', () => {
  it('no credentials: AWS is not configured, and how to configure it', () => {
    const e = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    const t = translate(e);
    expect(t).toBeInstanceOf(AwsNotConfiguredError);
    expect(t.retryable).toBe(false);
    expect(t.userFacing).toMatch(/^AWS is not configured: no credentials were found \(Could not load credentials from any providers\)\. devbot uses the AWS SDK’s default credentials \(AWS_PROFILE, or AWS_ACCESS_KEY_ID/);
    expect(translate(new Error('Region is missing')).userFacing).toMatch(/^AWS is not configured: no region is set\. Set environments\.<env>\.aws\.region in the config, or AWS_REGION\./);
  });

  it('access denied: names the call and the missing permission, not retried', () => {
    const t = translate(sdk('AccessDenied', 'User: arn:aws:iam::123456789012:user/devbot is not authorized to perform: cloudformation:CreateChangeSet', 403));
    expect(t.userFacing).toBe("AWS denied devbot while updating stack devbot-prod: User: arn:aws:iam::123456789012:user/devbot is not authorized to perform: cloudformation:CreateChangeSet. Grant devbot's IAM identity the permission named there (see \"AWS configuration\" in the README).");
    expect(t.retryable).toBe(false);
    expect(translate(sdk('ExpiredToken', 'The security token included in the request is expired', 403)).userFacing).toMatch(/^AWS rejected devbot's credentials while updating stack devbot-prod \(ExpiredToken: .*\)\. Renew them/);
  });

  it('throttling: transient, and still retryable once our retries gave up', () => {
    const e = sdk('Throttling', 'Rate exceeded');
    expect(isTransient(e)).toBe(true);
    const t = translate(e);
    expect(t.userFacing).toBe('AWS kept throttling devbot while updating stack devbot-prod (Throttling: Rate exceeded), even after backing off. Try again in a minute.');
    expect(t.retryable).toBe(true);
  });

  it('a stack that cannot be updated: says why in terms of its state, and what to do', () => {
    const busy = translate(sdk('ValidationError', 'Stack:arn:aws:cloudformation:eu-west-1:1:stack/devbot-prod/1 is in UPDATE_IN_PROGRESS state and can not be updated.'));
    expect(busy.userFacing).toMatch(/^Stack devbot-prod is busy \(UPDATE_IN_PROGRESS\): another operation is running\. Wait for it to finish/);
    expect(busy.retryable).toBe(false);
    const dead = translate(sdk('ValidationError', 'Stack:arn:aws:cloudformation:eu-west-1:1:stack/devbot-prod/1 is in ROLLBACK_COMPLETE state and can not be updated.'));
    expect(dead.userFacing).toMatch(/^Stack devbot-prod is in ROLLBACK_COMPLETE: its creation failed, and CloudFormation only allows deleting it now\. Delete it .* then run `\/dev stack create`\./);
  });

  it('other refusals carry CloudFormation’s words; server errors and timeouts are retryable; our own bugs pass through', () => {
    expect(translate(sdk('ValidationError', 'Template format error: Unresolved resource dependencies [Vpcc]')).userFacing).toBe('CloudFormation refused while updating stack devbot-prod: Template format error: Unresolved resource dependencies [Vpcc]');
    expect(translate(sdk('InternalFailure', 'oops', 500, 'server')).retryable).toBe(true);
    expect(isTransient(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    const bug = new TypeError('x is undefined');
    expect(translate(bug)).toBe(bug);
  });
});
