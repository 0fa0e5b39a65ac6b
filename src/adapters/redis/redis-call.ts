import { UpstreamError } from '../../errors.js';

/**
 * Runs Redis commands for a store, turning any failure (refused connection, command timeout,
 * script error) into UpstreamError('redis') that says what devbot was doing, as the ports promise.
 */
export async function redisCall<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (cause) {
    throw new UpstreamError(`Redis failed while ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { service: 'redis', cause });
  }
}
