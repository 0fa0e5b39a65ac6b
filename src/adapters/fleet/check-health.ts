import { execFile } from 'node:child_process';
import type { HealthCheckSpec, HealthResult, HealthTarget } from '../../ports/scheduler.js';

/** `{ip}`, `{machine}`, `{unit}`, `{instance}` in a check, filled for one instance. */
export function fillPlaceholders(text: string, t: HealthTarget): string {
  const values: Record<string, string> = { ip: t.machine.ip, machine: t.machine.id, unit: t.unit, instance: t.instance };
  return text.replace(/\{(ip|machine|unit|instance)\}/g, (_, k: string) => values[k] ?? '');
}

const firstLine = (s: string) => s.trim().split('\n')[0]?.slice(0, 200) ?? '';

async function checkHttp(url: string, timeoutMs: number, signal?: AbortSignal): Promise<HealthResult> {
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, { signal: signal ? AbortSignal.any([deadline, signal]) : deadline, redirect: 'manual' });
    await res.body?.cancel();
    const status = res.status >= 200 && res.status < 300 ? 'passing' : res.status === 429 ? 'warning' : 'critical';
    return { status, output: `HTTP ${res.status} from ${url}` };
  } catch (e) {
    const reason = deadline.aborted ? `no answer within ${timeoutMs} ms` : ((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message);
    return { status: 'critical', output: `${url}: ${reason}` };
  }
}

function checkCommand(argv: string[], timeoutMs: number, signal?: AbortSignal): Promise<HealthResult> {
  const [file, ...args] = argv;
  return new Promise((resolve) => {
    execFile(file!, args, { timeout: timeoutMs, signal, maxBuffer: 64 * 1024 }, (error, stdout, stderr) => {
      const output = firstLine(`${stdout}\n${stderr}`.trim()) || '(no output)';
      if (!error) return resolve({ status: 'passing', output });
      const e = error as { code?: string | number | null; killed?: boolean };
      if (e.code === 'ENOENT') return resolve({ status: 'critical', output: `command not found: ${file}` });
      if (e.killed) return resolve({ status: 'critical', output: `${file}: no answer within ${timeoutMs} ms` });
      resolve({ status: e.code === 1 ? 'warning' : 'critical', output: `${file} exited ${String(e.code)}: ${output}` });
    });
  });
}

/** Consul-style health of one instance: HTTP 2xx / exit 0 passing, HTTP 429 / exit 1 warning, anything else critical. Never throws. */
export function checkHealth(check: HealthCheckSpec, target: HealthTarget, opts: { signal?: AbortSignal } = {}): Promise<HealthResult> {
  if ('http' in check) return checkHttp(fillPlaceholders(check.http, target), check.timeoutMs, opts.signal);
  return checkCommand(check.command.map((a) => fillPlaceholders(a, target)), check.timeoutMs, opts.signal);
}
