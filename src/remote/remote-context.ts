import type { RemoteConfig } from '../config/remote-schema.js';
import type { Deps } from '../deps.js';
import { RefusedError } from '../errors.js';
import type { Remote } from '../ports/remote.js';

/** An environment's SSH settings and Remote, or a refusal saying how to configure them. */
export function remoteOf(deps: Pick<Deps, 'config' | 'remoteFor'>, environment: string): { config: RemoteConfig; remote: Remote } {
  const config = deps.config.environments[environment]?.remote;
  if (!config || !deps.remoteFor) throw new RefusedError(`SSH to the machines is not configured for ${environment}: add \`environments.${environment}.remote\` to devbot's config (README, "Logs and ad-hoc commands").`);
  return { config, remote: deps.remoteFor(environment) };
}
