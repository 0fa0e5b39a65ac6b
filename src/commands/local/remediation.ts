import { decide } from '../../acl/decide.js';
import type { Deps } from '../../deps.js';
import { AccessDeniedError, NotAvailableError } from '../../errors.js';
import type { CommandOf } from '../command.js';
import { resolveChannel } from '../resolve-channel.js';
import type { CommandInput, CommandReply } from '../types.js';

type RemediationVerbDeps = Pick<Deps, 'config' | 'now' | 'remediation'>;

/**
 * `/dev remediation pause|resume [--env E | --all]`: the kill switch. Kept in Redis, so every
 * worker obeys it at its next evaluation; an action already announced does not run once paused.
 * (handleCommand audits the command itself.) `--all` needs the ACL's yes in every environment.
 */
export async function answerRemediation(command: CommandOf<'remediation'>, input: CommandInput, environment: string, deps: RemediationVerbDeps): Promise<CommandReply> {
  if (!deps.remediation) throw new NotAvailableError('remediation');
  if (command.all) {
    const channel = resolveChannel(deps.config, input);
    const refused = Object.keys(deps.config.environments).map((env) => decide(deps.config.acl, { user: input.user }, { verb: 'remediation', channel, environment: env })).find((d) => !d.allowed);
    if (refused) throw new AccessDeniedError(`--all needs \`remediation\` allowed in every environment: ${refused.reason}`);
  }
  const scope = command.all ? '*' : environment;
  const where = command.all ? 'in every environment' : `in ${environment}`;
  const pauses = await deps.remediation.pauses();
  if (command.action === 'pause') {
    await deps.remediation.pause(scope, { by: input.user, at: deps.now().toISOString() });
    return { text: `:double_vertical_bar: Auto-remediation paused ${where} by <@${input.user}>: devbot starts no automatic action ${where}, and one announced now will not run. \`/dev remediation resume${command.all ? ' --all' : ` --env ${environment}`}\` turns it back on.`, outcome: 'answered' };
  }
  const was = await deps.remediation.resume(scope);
  const still = !command.all && pauses['*'] ? ` It stays paused everywhere, though: <@${pauses['*'].by}> paused it with --all (\`/dev remediation resume --all\`).` : '';
  return { text: was ? `:arrow_forward: Auto-remediation resumed ${where} by <@${input.user}>.${still}` : `Auto-remediation was not paused ${where}.${still}`, outcome: 'answered' };
}
