import type { StatusLine, StatusPart } from '../../ports/status.js';
import { ageOf, describeBackup, formatAge } from '../../render/backup-facts.js';
import { worstLevel } from '../levels.js';

/** The newest etcd backup's age (warn past twice the interval), and how the last snapshot and drill went. */
export const backupsPart: StatusPart = {
  name: 'backups',
  async collect(ctx) {
    const backup = ctx.config.environments[ctx.environment]?.etcd.backup;
    if (!backup || !ctx.backups) {
      return { title: 'backups', level: 'info', summary: `etcd backups are not configured for ${ctx.environment} (environments.${ctx.environment}.etcd.backup; see the README).`, lines: [] };
    }
    const now = ctx.now?.() ?? new Date();
    const [newest, attempts] = await Promise.all([ctx.backups.list(ctx.environment, { limit: 1 }), ctx.backupAttempts?.recent(ctx.environment, 10) ?? []]);
    const lines: StatusLine[] = [];
    const latest = newest[0];
    const stale = !latest || ageOf(latest, now) > 2 * backup.intervalMs;
    lines.push(latest
      ? { label: 'newest', value: `${formatAge(ageOf(latest, now))} old (every ${formatAge(backup.intervalMs)}): ${describeBackup(latest)}`, level: stale ? 'warn' : 'ok' }
      : { label: 'newest', value: `none yet (every ${formatAge(backup.intervalMs)}; \`/dev etcd snapshot\` takes one now)`, level: 'warn' });
    for (const action of ['snapshot', 'drill'] as const) {
      const last = attempts.find((a) => a.action === action);
      if (last) lines.push({ label: `last ${action}`, value: `${last.ok ? 'ok' : 'FAILED'} ${formatAge(now.getTime() - new Date(last.at).getTime())} ago: ${last.detail}`, level: last.ok ? 'ok' : 'warn' });
    }
    const summary = latest ? `newest ${formatAge(ageOf(latest, now))} old, in ${ctx.backups.describe()}` : `no backup yet in ${ctx.backups.describe()}`;
    return { title: 'backups', level: worstLevel(lines), summary, lines };
  },
};
