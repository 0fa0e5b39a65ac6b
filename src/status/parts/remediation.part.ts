import type { StatusLine, StatusPart } from '../../ports/status.js';

const hhmmss = (iso: string) => `${iso.slice(11, 19)} UTC`;

/** Auto-remediation in this environment: on or paused (and by whom), the action in progress, and how many ran this hour. */
export const remediationPart: StatusPart = {
  name: 'remediation',
  async collect(ctx) {
    const opted = Object.entries(ctx.config.alerts.rules).filter(([, s]) => s.remediate).map(([rule, s]) => `${rule} → ${s.remediate!.action}`);
    if (!ctx.remediation) return { title: 'remediation', level: 'info', summary: 'auto-remediation state is not available in this process', lines: [] };
    const now = ctx.now?.() ?? new Date();
    const [pauses, active, starts] = await Promise.all([
      ctx.remediation.pauses(),
      ctx.remediation.active(ctx.environment),
      ctx.remediation.startsSince(ctx.environment, new Date(now.getTime() - 3_600_000)),
    ]);
    const paused = pauses[ctx.environment] ?? pauses['*'];
    const max = ctx.config.alerts.remediation.environments[ctx.environment]?.maxPerHour ?? ctx.config.alerts.remediation.maxPerHour;
    const lines: StatusLine[] = [
      paused
        ? { label: 'paused', value: `by ${paused.by} at ${hhmmss(paused.at)}${pauses[ctx.environment] ? '' : ' (--all)'}: no automatic action starts`, level: 'warn' }
        : { label: 'state', value: opted.length ? 'on' : 'off (no alert rule has `remediate`)', level: opted.length ? 'ok' : 'info' },
      ...(active
        ? [{ label: 'in progress', value: active.phase === 'running' ? `\`/dev ${active.text}\` running as job \`${active.jobId}\` (${active.rule})` : `\`/dev ${active.text}\` announced, runs at ${hhmmss(active.runAt)} unless cancelled (${active.rule})`, level: 'warn' as const }]
        : []),
      { label: 'this hour', value: `${starts} of at most ${max} automatic action${max === 1 ? '' : 's'}`, level: starts >= max ? 'warn' : 'info' },
      ...(opted.length ? [{ label: 'rules', value: opted.join(', '), level: 'info' as const }] : []),
    ];
    const summary = paused ? 'paused' : active ? `in progress: /dev ${active.text}` : opted.length ? `on, nothing in progress` : 'off';
    return { title: 'remediation', level: paused || active ? 'warn' : 'ok', summary, lines };
  },
};
