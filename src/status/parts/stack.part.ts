import { awsConfigOf, stackNameOf } from '../../config/aws-schema.js';
import type { GroupView, ScalingActivity } from '../../ports/groups.js';
import { AwsNotConfiguredError, type StackSummary } from '../../ports/stacks.js';
import type { StatusLine, StatusPart, StatusSection } from '../../ports/status.js';
import { REVIEW, isInProgress, isSuccess, mustBeDeleted } from '../../stack/stack-states.js';
import { worstLevel } from '../levels.js';

const ACTIVITIES = 2;
const minute = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function describeStack(s: StackSummary): StatusLine {
  const when = `last changed ${minute(s.lastUpdatedAt ?? s.createdAt)}`;
  const level: StatusLine['level'] = isSuccess(s.status) ? 'ok' : isInProgress(s.status) ? 'info' : mustBeDeleted(s.status) || s.status.endsWith('_FAILED') ? 'critical' : 'warn';
  const note = s.status === 'UPDATE_ROLLBACK_COMPLETE' ? ' — the last update failed and was rolled back' : mustBeDeleted(s.status) ? ' — creation failed; the stack can only be deleted' : '';
  return { label: s.name, value: `${s.status}, ${when}${note}`, level };
}

/** "main": desired / min / max and how many instances serve; fewer than a majority on main is an etcd quorum at risk. */
function describeGroup(g: GroupView): StatusLine {
  const role = (g.logicalId ?? g.name).replace(/Group$/, '').toLowerCase();
  const other = g.other ? `, ${g.other} starting or stopping` : '';
  const value = `desired ${g.desired} (min ${g.min}, max ${g.max}): ${g.inService} in service, ${g.unhealthy} unhealthy${other}`;
  const quorum = role === 'main' && g.inService < Math.floor(g.desired / 2) + 1;
  const level: StatusLine['level'] = quorum ? 'critical' : g.unhealthy > 0 || g.inService < g.desired ? 'warn' : 'ok';
  return { label: role, value: quorum ? `${value} — fewer than a majority of etcd members` : value, level };
}

function describeActivities(role: string, list: ScalingActivity[]): StatusLine[] {
  if (!list.length) return [];
  const value = list.map((a) => `${a.status} ${minute(a.startedAt)} ${a.description}${a.statusMessage ? ` (${a.statusMessage})` : ''}`).join('; ');
  return [{ label: `${role} activity`, value, level: list.some((a) => a.status === 'Failed') ? 'warn' : 'info' }];
}

const ORDER = ['MainGroup', 'WorkerGroup', 'DataGroup'];
const rank = (g: GroupView) => {
  const i = ORDER.indexOf(g.logicalId ?? '');
  return i === -1 ? ORDER.length : i;
};
const info = (summary: string): StatusSection => ({ title: 'stack', level: 'info', summary, lines: [] });

/** The CloudFormation stack and its autoscaling groups: sizes, instances in service, recent scaling. */
export const stackPart: StatusPart = {
  name: 'stack',
  async collect(ctx) {
    const env = ctx.config.environments[ctx.environment];
    if (!env?.aws || !ctx.stacks || !ctx.groups) return info(`AWS is not configured for ${ctx.environment} (add environments.${ctx.environment}.aws; see the README).`);
    const stackName = stackNameOf(ctx.environment, awsConfigOf(ctx.environment, env));
    const opts = { signal: ctx.signal };
    try {
      const [stack, groups] = await Promise.all([ctx.stacks.describeStack(stackName, opts), ctx.groups.listForStack(stackName, opts)]);
      if (!stack || stack.status === REVIEW) {
        return { title: 'stack', level: 'warn', summary: `${stackName} does not exist yet (\`/dev stack create\`)`, lines: [] };
      }
      groups.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
      const activities = await Promise.all(groups.map((g) => ctx.groups!.recentActivities(g.name, ACTIVITIES, opts)));
      const lines = [describeStack(stack), ...groups.flatMap((g, i) => {
        const line = describeGroup(g);
        return [line, ...describeActivities(line.label, activities[i] ?? [])];
      })];
      return { title: 'stack', level: worstLevel(lines), summary: `${stackName} ${stack.status}, ${groups.length} autoscaling group${groups.length === 1 ? '' : 's'}`, lines };
    } catch (e) {
      if (e instanceof AwsNotConfiguredError) return info(e.userFacing);
      throw e;
    }
  },
};
