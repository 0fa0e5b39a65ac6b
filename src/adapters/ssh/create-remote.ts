import type { RemoteConfig } from '../../config/remote-schema.js';
import { ConfigError } from '../../errors.js';
import type { Remote } from '../../ports/remote.js';
import { createSshRemote } from './ssh-remote.js';

/** The Remote of an environment from its `remote` section; the private key is read from the environment variable it names. */
export function createRemote(environment: string, config: RemoteConfig | undefined, env: NodeJS.ProcessEnv): Remote {
  if (!config) throw new ConfigError(`SSH to the machines is not configured for ${environment} (environments.${environment}.remote).`);
  const privateKey = env[config.privateKeyEnv];
  if (!privateKey) throw new ConfigError(`Set ${config.privateKeyEnv} to the private key of the ${config.user} user devbot logs in as (environments.${environment}.remote.privateKeyEnv).`);
  return createSshRemote({
    user: config.user,
    port: config.port,
    privateKey: privateKey.replace(/\\n/g, '\n'),
    hostKeyFor: (ip, id) => config.hostKeys[ip] ?? (id === undefined ? undefined : config.hostKeys[id]),
  });
}
