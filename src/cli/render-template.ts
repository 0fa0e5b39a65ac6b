import { awsConfigOf } from '../config/aws-schema.js';
import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { buildClusterTemplate, TEMPLATE_BODY_LIMIT, templateBody } from '../stack/cluster-template.js';
import { resolveServicePorts } from '../stack/service-ports.js';

export interface RenderTemplateIo {
  out(text: string): void;
  err(text: string): void;
}

const STDIO: RenderTemplateIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** The environment to render: the one named, else the only one with an `aws` section. */
function chooseEnvironment(config: Config, env: string | undefined): string {
  const known = Object.keys(config.environments);
  if (env !== undefined) {
    if (!known.includes(env)) throw new ConfigError(`Unknown environment '${env}'. Known: ${known.join(', ')}.`);
    return env;
  }
  const withAws = known.filter((name) => config.environments[name]?.aws);
  if (withAws.length === 1) return withAws[0]!;
  if (withAws.length === 0) {
    throw new ConfigError(`No environment has an aws section: add \`environments.<env>.aws\` (imageId and sshCidr; the rest has defaults), see "AWS configuration" in the README.`);
  }
  throw new ConfigError(`Several environments have an aws section (${withAws.join(', ')}): pick one with --env.`);
}

/**
 * `devbot render template [--env E]`: prints the CloudFormation template devbot generates for an
 * environment, as JSON. Needs no AWS credentials: the template comes from the config alone.
 * Returns the exit code (2 for a config problem).
 */
export function runRenderTemplate(file: string | undefined, opts: { env?: string }, io: RenderTemplateIo = STDIO): number {
  try {
    if (!file) throw new ConfigError('No config file: pass --config <file> or set DEVBOT_CONFIG.');
    const config = loadConfig({ files: [file], env: process.env });
    const environment = chooseEnvironment(config, opts.env);
    const envConfig = config.environments[environment];
    const aws = awsConfigOf(environment, envConfig);
    const template = buildClusterTemplate(environment, aws, resolveServicePorts(aws, envConfig));
    io.out(`${JSON.stringify(template, null, 2)}\n`);
    const size = templateBody(template).length;
    io.err(`${environment}: ${Object.keys(template.Resources).length} resources, ${size} bytes as sent (CloudFormation's limit: ${TEMPLATE_BODY_LIMIT}).\n`);
    return size > TEMPLATE_BODY_LIMIT ? 2 : 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(`${e.userFacing}\n`);
      return 2;
    }
    throw e;
  }
}
