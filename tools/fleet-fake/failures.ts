import { globMatch } from './x-fleet.js';

/** Faults a test (or the demo) can inject into the fake. `times` defaults to every time. */
export type FleetFailure =
  /** Units whose name matches `unit` (a glob), and whose unit file contains `match`, fail when started (systemd: failed/failed). */
  | { kind: 'start'; unit: string; match?: string; times?: number }
  /** They stay `activating (start-pre)` this much longer (a slow or stuck docker pull). */
  | { kind: 'slow-start'; unit: string; match?: string; ms: number; times?: number }
  /**
   * Their containers exit every time they start (a bad image, a crash at startup). With Restart=always
   * (every catalog unit) systemd cycles `activating (start-pre)` → `active (running)` for `upMs`
   * (default 0) → `activating (auto-restart)` for RestartSec= (or `restartMs`) → again, as long as
   * the unit runs; without it the unit ends `failed (failed)`. Matched by unit glob (default every
   * unit), text in the unit file, or the docker image (`devteam/redis-elect`, with or without its tag).
   */
  | { kind: 'crash-loop'; unit?: string; match?: string; image?: string; upMs?: number; restartMs?: number; times?: number }
  /** Their containers answer health checks with 503. */
  | { kind: 'unhealthy'; unit: string; match?: string; times?: number }
  /** The API answers `status` with fleet's error body to requests whose path contains `path`. */
  | { kind: 'api'; status: number; message?: string; method?: string; path?: string; times?: number }
  /** The API never answers such requests (until the fake closes). */
  | { kind: 'hang'; method?: string; path?: string; times?: number };

type UnitFailureKind = 'start' | 'slow-start' | 'unhealthy' | 'crash-loop';

/** `image` (with or without a tag) is the image a word of the unit file runs. */
function runsImage(image: string, text: string): boolean {
  const escaped = image.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`(^|[\\s"'])${escaped}(:[\\w.-]+)?($|[\\s"'])`, 'm').test(text);
}

export interface Failures {
  add(failure: FleetFailure): { clear(): void };
  clear(): void;
  /** The first matching failure of a unit, counting one use of it. */
  forUnit<K extends UnitFailureKind>(kind: K, unit: string, text: string): Extract<FleetFailure, { kind: K }> | undefined;
  /** The first matching API failure of a request, counting one use of it. */
  forRequest(method: string, path: string): Extract<FleetFailure, { kind: 'api' | 'hang' }> | undefined;
}

export function createFailures(): Failures {
  const active: Array<{ failure: FleetFailure; left: number }> = [];
  const take = <F extends FleetFailure>(pred: (f: FleetFailure) => f is F): F | undefined => {
    const i = active.findIndex((a) => pred(a.failure));
    if (i < 0) return undefined;
    const entry = active[i]!;
    if (--entry.left <= 0) active.splice(i, 1);
    return entry.failure as F;
  };
  return {
    add(failure) {
      const entry = { failure, left: failure.times ?? Infinity };
      active.push(entry);
      return { clear: () => void (active.includes(entry) && active.splice(active.indexOf(entry), 1)) };
    },
    clear: () => void active.splice(0),
    forUnit<K extends UnitFailureKind>(kind: K, unit: string, text: string) {
      return take((f): f is Extract<FleetFailure, { kind: K }> => {
        if (f.kind !== kind) return false;
        const u = f as Extract<FleetFailure, { kind: UnitFailureKind }>;
        const image = u.kind === 'crash-loop' ? u.image : undefined;
        return globMatch(u.unit ?? '*', unit) && (u.match === undefined || text.includes(u.match)) && (image === undefined || runsImage(image, text));
      });
    },
    forRequest(method, path) {
      return take(
        (f): f is Extract<FleetFailure, { kind: 'api' | 'hang' }> =>
          (f.kind === 'api' || f.kind === 'hang') && (f.method === undefined || f.method === method) && (f.path === undefined || path.includes(f.path)),
      );
    },
  };
}
