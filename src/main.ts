import { Command as Cli } from 'commander';
import { ConfigError } from './errors.js';
import { runCheckConfig } from './cli/check-config.js';
import { runConsole } from './cli/console.js';
import { runRenderTemplate } from './cli/render-template.js';
import { runLocalCluster } from './cli/local-cluster.js';
import { runRenderUnits } from './cli/render-units.js';
import { runServe } from './cli/serve.js';
import { runWorker } from './cli/worker.js';

/** `devbot serve | worker | console | check-config`. Each subcommand lives in src/cli/. */
const program = new Cli('devbot')
  .description('Slack ChatOps for the cluster: etcd, fleet, CloudFormation, databases')
  .option('-c, --config <file>', 'YAML config file (default: $DEVBOT_CONFIG)');

const configFile = (): string | undefined => program.opts<{ config?: string }>().config ?? process.env['DEVBOT_CONFIG'];

program.command('serve').description('run the Slack app (HTTP receiver, or Socket Mode with an app token)').action(async () => runServe(configFile()));
program.command('worker').description('run the job workers').action(async () => runWorker(configFile()));
program
  .command('console')
  .description('the command pipeline in a terminal, as a given user in a given channel')
  .requiredOption('--as <user>', 'who you are (a user id or name the ACL knows)')
  .requiredOption('--in <channel>', 'which channel you type in (a channel name from the config)')
  .option('--with-worker', 'also run a worker in this process')
  .action(async (o: { as: string; in: string; withWorker?: boolean }) => {
    process.exitCode = await runConsole(configFile(), { user: o.as, channel: o.in.replace(/^#/, ''), withWorker: o.withWorker ?? false });
  });
const render = program.command('render').description('print what devbot generates from the config');
render
  .command('template')
  .description("an environment's CloudFormation template, as JSON (needs no AWS credentials)")
  .option('--env <environment>', 'which environment (default: the only one with an aws section)')
  .action((o: { env?: string }) => {
    process.exitCode = runRenderTemplate(configFile(), { env: o.env });
  });
render
  .command('units')
  .description('the systemd units (with [X-Fleet]) that the service catalog renders to')
  .argument('[service]', 'one catalog service (default: all)')
  .option('--catalog <file>', 'the service catalog', 'config/services.yaml')
  .option('--version <tag>', "with a service: render this version instead of the catalog's")
  .option('--out <dir>', 'write one file per unit into this directory instead of printing')
  .action((service: string | undefined, o: { catalog: string; version?: string; out?: string }) => {
    process.exitCode = runRenderUnits({ service, catalog: o.catalog, version: o.version, outDir: o.out });
  });
program.command('check-config').description('validate the config and print field-level errors').action(() => {
  process.exitCode = runCheckConfig(configFile());
});

program
  .command('local-cluster')
  .description("stop, start, freeze, thaw or replace a member of the demo's local cluster: devbot local-cluster stop e2")
  .argument('<verb>', 'stop | start | freeze | thaw | replace | status')
  .argument('[member]', 'e1, e2, e3 or redis')
  .option('--state <file>', "the cluster's state file (default: the running demo's)")
  .option('--signal <signal>', 'for stop: the signal to send (default SIGKILL)')
  .action(async (verb: string, member: string | undefined, o: { state?: string; signal?: string }) => {
    // replace renders the boot script from the config (default: the demo's).
    process.exitCode = await runLocalCluster(verb, member, { ...o, config: configFile() });
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // A configuration problem found while starting (a missing token, a taken port) is the user's to
  // fix: print what is wrong and which fields, not a stack trace, and exit 2 as check-config does.
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`devbot: ${e.userFacing}\n`);
  process.exit(2);
}
