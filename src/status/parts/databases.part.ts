import type { DatabaseConfig } from '../../config/schema.js';
import { UpstreamError } from '../../errors.js';
import type { ElectionView } from '../../ports/elections.js';
import type { StatusLine, StatusPart } from '../../ports/status.js';
import { worstLevel } from '../levels.js';

function describeDatabase(name: string, config: DatabaseConfig, view: ElectionView): StatusLine {
  const { leader, candidates } = view;
  if (!leader) return { label: name, value: `NO LEADER — no candidate under ${view.prefix}/ (expected ${config.candidates}); clients through the ambassador have no database`, level: 'critical' };
  const since = typeof leader.fields['since'] === 'string' ? `since ${leader.fields['since']}` : `since revision ${leader.createRevision}`;
  const others = candidates.slice(1).map((c) => `${c.name}${c.healthy === false ? ' (UNHEALTHY)' : ''}${typeof c.fields['lagBytes'] === 'number' ? ` lag ${c.fields['lagBytes']} B` : ''}`);
  const few = candidates.length < config.candidates;
  const unhealthy = candidates.some((c) => c.healthy === false);
  return {
    label: name,
    value: `leader ${leader.name}${leader.healthy === false ? ' (UNHEALTHY)' : ''} ${since}; candidates ${candidates.length}/${config.candidates}${others.length ? `: ${others.join(', ')}` : ''}${few ? ' — fewer than expected' : ''}`,
    level: leader.healthy === false ? 'critical' : few || unhealthy ? 'warn' : 'ok',
  };
}

/**
 * A read that reached no member is etcd without quorum (or unreachable): say that in words, and
 * leave gRPC's own text (deadlines, name resolution…) to the log.
 */
function explainReadFailure(e: unknown): string {
  if (e instanceof UpstreamError && e.service === 'etcd' && /^No etcd member answered/.test(e.userFacing)) {
    return 'etcd has no quorum (no member answered), so the election cannot be read';
  }
  return e instanceof Error ? e.message.split('\n')[0]! : String(e);
}

/** Databases elected through etcd: leader, since when, candidates and their health. */
export const databasesPart: StatusPart = {
  name: 'databases',
  async collect(ctx) {
    const databases = Object.entries(ctx.config.environments[ctx.environment]?.databases ?? {});
    if (databases.length === 0) return { title: 'databases', level: 'info', summary: 'none configured', lines: [] };
    const lines = await Promise.all(
      databases.map(([name, config]) =>
        ctx.elections.read(config.electionPrefix).then(
          (view) => describeDatabase(name, config, view),
          (e: unknown): StatusLine => {
            ctx.log?.warn({ err: e, database: name }, 'could not read the election');
            return { label: name, value: `could not be read: ${explainReadFailure(e)}`, level: 'critical' };
          },
        ),
      ),
    );
    const leaderless = lines.filter((l) => l.value.startsWith('NO LEADER')).map((l) => l.label);
    const unread = lines.filter((l) => l.value.startsWith('could not be read')).map((l) => l.label);
    const summary = [
      ...(leaderless.length ? [`NO LEADER: ${leaderless.join(', ')}`] : []),
      ...(unread.length ? [`could not read: ${unread.join(', ')}`] : []),
    ].join('; ');
    return {
      title: 'databases',
      level: worstLevel(lines),
      summary: summary || `${lines.length} database${lines.length === 1 ? '' : 's'}, all led`,
      lines,
    };
  },
};
