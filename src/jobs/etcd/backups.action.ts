import { renderBackups } from '../../render/etcd-backups.js';
import type { EtcdAction } from './actions.js';
import { backupConfigOf } from './snapshot/backup-config.js';

/** `/dev etcd backups`: the environment's backups, newest first, with age, size, revision and where. */
export const backupsAction: EtcdAction = {
  title: (p) => `etcd backups of ${p.environment}`,
  async run(p, ctx) {
    const { deps } = ctx;
    const config = backupConfigOf(deps.config, p.environment);
    const backups = deps.backupsFor(p.environment);
    const [list, attempts] = await Promise.all([backups.list(p.environment), deps.backupAttempts.recent(p.environment, 20)]);
    const message = renderBackups({ environment: p.environment, destination: backups.describe(), intervalMs: config.intervalMs, drillIntervalMs: config.drill.intervalMs, backups: list, attempts, now: deps.now() });
    await ctx.progress.finish('succeeded', `${list.length} backup${list.length === 1 ? '' : 's'}${list[0] ? `, newest ${list[0].name}` : ''}`, message);
  },
};
