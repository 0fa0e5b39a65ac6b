import { UpstreamError } from '../../errors.js';

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

const PERMISSIONS = 's3:PutObject, s3:GetObject, s3:ListBucket, s3:DeleteObject and s3:AbortMultipartUpload';
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/**
 * An S3 SDK error as an UpstreamError('s3') that says what to do: a missing bucket, missing
 * permissions, missing credentials, or an endpoint that does not answer. `what` is the call in
 * words ("while uploading s3://b/k"). Errors that are not the SDK's pass through.
 */
export function translateS3Error(e: unknown, what: string, where: { bucket: string; endpoint?: string }): Error {
  if (e instanceof UpstreamError) return e;
  const s = (typeof e === 'object' && e !== null ? e : {}) as SdkError;
  const code = s.name ?? s.code ?? 'Error';
  const said = (s.message ?? '').trim();
  const status = s.$metadata?.httpStatusCode;
  if (code === 'CredentialsProviderError') {
    return new UpstreamError(`No AWS credentials were found ${what} (${said}). Give the worker credentials (an instance role, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a profile) allowed ${PERMISSIONS} on ${where.bucket}.`, { service: 's3', retryable: false, cause: e });
  }
  if (/^Region is missing/.test(said)) {
    return new UpstreamError(`No AWS region is set ${what}: set etcd.backup.destination.s3.region, or AWS_REGION.`, { service: 's3', retryable: false, cause: e });
  }
  if (code === 'NoSuchBucket') {
    return new UpstreamError(`The S3 bucket ${where.bucket} does not exist (${what}). Create it, or fix etcd.backup.destination.s3.bucket.`, { service: 's3', retryable: false, cause: e });
  }
  if (code === 'AccessDenied' || status === 403) {
    return new UpstreamError(`S3 denied devbot ${what} (${code}${said ? `: ${said}` : ''}). Its credentials need ${PERMISSIONS} on ${where.bucket}.`, { service: 's3', retryable: false, cause: e });
  }
  if (NETWORK.has(s.code ?? '') || NETWORK.has(code) || code === 'TimeoutError') {
    return new UpstreamError(`S3 did not answer ${what} (${code}${where.endpoint ? ` at ${where.endpoint}` : ''}).`, { service: 's3', retryable: true, cause: e });
  }
  if (s.$metadata !== undefined || s.$fault !== undefined) {
    return new UpstreamError(`S3 failed ${what}: ${code}${said && said !== code ? ` (${said})` : ''}.`, { service: 's3', retryable: s.$fault === 'server' || (status ?? 0) >= 500, cause: e });
  }
  return e as Error;
}
