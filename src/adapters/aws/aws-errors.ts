import { UpstreamError } from '../../errors.js';
import { AWS_HOW_TO } from '../../config/aws-schema.js';
import { AwsNotConfiguredError } from '../../ports/stacks.js';
import { whyNotUpdatable } from '../../stack/stack-states.js';
import { scrubText } from '../../redact-log.js';

/** What the SDK's errors carry: the AWS error code as `name`, and the HTTP status. */
interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

const THROTTLING = new Set([
  'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottledException', 'TooManyRequestsException',
  'RequestLimitExceeded', 'RequestThrottled', 'SlowDown', 'PriorRequestNotComplete', 'EC2ThrottledException',
]);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError']);
const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException', 'InvalidClientTokenId', 'ExpiredToken', 'ExpiredTokenException', 'SignatureDoesNotMatch',
  'InvalidAccessKeyId', 'AuthFailure',
]);
/** The machine's clock is off: the SDK corrects its offset from the answer, so trying again works. */
const CLOCK_SKEW = new Set(['RequestTimeTooSkewed', 'RequestExpired', 'RequestInTheFuture']);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

const SERVICE_NAMES = { cloudformation: 'CloudFormation', autoscaling: 'Auto Scaling', ec2: 'EC2' } as const;

const asSdk = (e: unknown): SdkError => (typeof e === 'object' && e !== null ? (e as SdkError) : {});

export function isThrottling(e: unknown): boolean {
  const s = asSdk(e);
  return THROTTLING.has(s.name ?? '') || s.$metadata?.httpStatusCode === 429 || /rate exceeded/i.test(s.message ?? '');
}

/** Worth another try: throttled, a 5xx, or the network or a timeout in between. */
export function isTransient(e: unknown): boolean {
  const s = asSdk(e);
  if (isThrottling(e)) return true;
  if (s.name === 'TimeoutError' || NETWORK.has(s.code ?? '') || NETWORK.has(s.name ?? '') || CLOCK_SKEW.has(s.name ?? '')) return true;
  return s.$fault === 'server' || (s.$metadata?.httpStatusCode ?? 0) >= 500;
}

/** Whether the error came from the SDK or the wire (and so should be translated), not from a bug of ours. */
function isFromAws(e: unknown): boolean {
  const s = asSdk(e);
  return s.$metadata !== undefined || s.$fault !== undefined || s.name === 'CredentialsProviderError' || s.name === 'TimeoutError' || NETWORK.has(s.code ?? '') || /^Region is missing/.test(s.message ?? '');
}

/**
 * Turns an SDK error into an UpstreamError whose message tells the user what happened and what to
 * do. `what` is the call in words ("while describing stack devbot-prod"); `stackName`, when the
 * call concerns one, explains CloudFormation's "cannot be updated" in terms of the stack's state.
 */
export function translateAwsError(e: unknown, service: 'cloudformation' | 'autoscaling' | 'ec2', what: string, stackName?: string): Error {
  if (e instanceof UpstreamError || !isFromAws(e)) return e as Error;
  const s = asSdk(e);
  const code = s.name ?? 'Error';
  // AWS quotes signed headers (a session token among them) in SignatureDoesNotMatch: never into chat.
  const aws = scrubText((s.message ?? '').trim());
  if (code === 'CredentialsProviderError') {
    return new AwsNotConfiguredError(`AWS is not configured: no credentials were found (${aws}). ${AWS_HOW_TO}`, e);
  }
  if (/^Region is missing/.test(aws)) {
    return new AwsNotConfiguredError(`AWS is not configured: no region is set. Set environments.<env>.aws.region in the config, or AWS_REGION. ${AWS_HOW_TO}`, e);
  }
  if (DENIED.has(code) || (s.$metadata?.httpStatusCode === 403 && !BAD_CREDENTIALS.has(code))) {
    return new UpstreamError(`AWS denied devbot ${what}: ${aws || code}. Grant devbot's IAM identity the permission named there (see "AWS configuration" in the README).`, { service, retryable: false, cause: e });
  }
  if (BAD_CREDENTIALS.has(code)) {
    return new UpstreamError(`AWS rejected devbot's credentials ${what} (${code}: ${aws}). Renew them (expired session, rotated key?), then try again.`, { service, retryable: false, cause: e });
  }
  if (isThrottling(e)) {
    return new UpstreamError(`AWS kept throttling devbot ${what} (${code}: ${aws || 'rate exceeded'}), even after backing off. Try again in a minute.`, { service, retryable: true, cause: e });
  }
  const state = /is in ([A-Z_]+) state and can ?not be updated/i.exec(aws)?.[1];
  if (state && stackName) {
    return new UpstreamError(whyNotUpdatable(stackName, state) ?? `Stack ${stackName} cannot be updated in ${state}.`, { service, retryable: false, cause: e });
  }
  if (isTransient(e)) {
    return new UpstreamError(`AWS did not answer ${what} (${code}${aws ? `: ${aws}` : ''}). It was retried; try again shortly.`, { service, retryable: true, cause: e });
  }
  return new UpstreamError(`${SERVICE_NAMES[service]} refused ${what}: ${aws || code}`, { service, retryable: false, cause: e });
}
