/**
 * A real S3-compatible server (s3rver) in the test process, on a free loopback port, its data in a
 * temp directory of its own, with buckets made up front. s3rver checks signatures against the
 * credentials below, which the adapter (or a shipped worker, through AWS_ACCESS_KEY_ID…) is given.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3Server {
  url: string;
  /** Where s3rver keeps its objects. */
  directory: string;
  /** The environment a shipped process needs to reach it (endpoint, credentials, region). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startS3Server(buckets: string[]): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'devbot-s3rver-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', directory, silent: true, configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await server.run();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    directory,
    env: { AWS_ENDPOINT_URL_S3: url, AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey, AWS_REGION: 'us-east-1' },
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
