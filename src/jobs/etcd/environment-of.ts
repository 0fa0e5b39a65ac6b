import type { EnvironmentConfig } from '../../config/schema.js';
import type { Deps } from '../../deps.js';
import { UsageError } from '../../errors.js';

/** The config of the environment an etcd action runs in. */
export function environmentOf(payload: { environment: string }, ctx: { deps: Pick<Deps, 'config'> }): EnvironmentConfig {
  const env = ctx.deps.config.environments[payload.environment];
  if (!env) throw new UsageError(`Unknown environment '${payload.environment}'.`);
  return env;
}
