/** What systemd on a machine reports for one placed unit, derived from time instead of processes. */

export interface CrashLoop {
  /** How long each start stays `active (running)` before the process exits again (0: it exits at once). */
  upMs: number;
  /** RestartSec=: how long systemd waits in `activating (auto-restart)` before starting it again. */
  restartMs: number;
}

export interface Placement {
  machineId: string;
  /** When fleet's engine put it on the machine. */
  placedAt: number;
  launchedAt?: number;
  /** Extra start time injected for this launch. */
  slowBy?: number;
  stoppedAt?: number;
  /** The launch a stop ended, for states reported as of before the stop. */
  lastLaunchedAt?: number;
  failed?: string;
  /** The container exits every time it starts: with Restart=always systemd starts it again and again. */
  crashLoop?: CrashLoop;
}

/** systemd's RestartSec= of a unit in ms (its default is 100 ms), and whether Restart= restarts a crashed process. */
export function restartPolicy(options: ReadonlyArray<{ section: string; name: string; value: string }>): { restarts: boolean; restartMs: number } {
  const service = options.filter((o) => o.section === 'Service');
  const restart = service.filter((o) => o.name === 'Restart').at(-1)?.value.trim() ?? 'no';
  const sec = service.filter((o) => o.name === 'RestartSec').at(-1)?.value.trim();
  const ms = sec === undefined ? 100 : /ms$/.test(sec) ? Number.parseFloat(sec) : /min$/.test(sec) ? Number.parseFloat(sec) * 60_000 : Number.parseFloat(sec) * 1000;
  return { restarts: ['always', 'on-failure', 'on-abnormal', 'on-abort'].includes(restart), restartMs: Number.isFinite(ms) ? ms : 100 };
}

/** [ActiveState, SubState] at time `t`, for a unit that takes `startMs` to start and `stopMs` to stop. */
export function systemdState(p: Placement, t: number, timings: { startMs: number; stopMs: number }): [string, string] {
  if (p.stoppedAt !== undefined && t < p.stoppedAt && p.lastLaunchedAt !== undefined) return systemdState({ ...p, launchedAt: p.lastLaunchedAt, stoppedAt: undefined }, t, timings);
  if (p.launchedAt !== undefined && t >= p.launchedAt) {
    const start = timings.startMs + (p.slowBy ?? 0);
    const since = t - p.launchedAt;
    if (p.crashLoop) {
      const phase = since % (start + p.crashLoop.upMs + p.crashLoop.restartMs);
      if (phase < start) return ['activating', 'start-pre'];
      if (phase < start + p.crashLoop.upMs) return ['active', 'running'];
      return ['activating', 'auto-restart'];
    }
    if (since < start) return ['activating', 'start-pre'];
    return p.failed ? ['failed', 'failed'] : ['active', 'running'];
  }
  if (p.stoppedAt !== undefined && t - p.stoppedAt < timings.stopMs) return ['deactivating', 'stop-sigterm'];
  return ['inactive', 'dead'];
}
