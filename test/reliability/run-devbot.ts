/** Runs the `devbot` CLI (src/main.ts under tsx) as a child process and collects what it prints. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface DevbotRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `devbot <args>` with exactly `env` (plus PATH and HOME); killed if it runs past `timeoutMs` (tsx startup is slow on a busy machine). */
export function runDevbot(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 40_000): Promise<DevbotRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', ...args],
      { cwd: ROOT, env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env }, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number' && !error.killed) return reject(error);
        if (error?.killed) return reject(new Error(`devbot ${args.join(' ')} did not exit within ${timeoutMs} ms:\n${stderr}`));
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}
