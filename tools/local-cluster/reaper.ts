import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * Starts reaper.mjs, which kills every process listed in `stateFile` once this process is gone.
 * `release()` lets it exit quietly after a clean stop (it finds no state file and leaves).
 */
export function startReaper(stateFile: string): { release(): void } {
  const script = fileURLToPath(new URL('./reaper.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, stateFile], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  child.on('error', () => {}); // best effort: the exit hook still covers normal exits
  child.unref();
  const pipe = child.stdin as unknown as Socket | null;
  pipe?.on('error', () => {});
  pipe?.unref();
  return { release: () => pipe?.end() };
}
