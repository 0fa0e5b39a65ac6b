import type { StatusContext, StatusPart, StatusSection } from '../ports/status.js';
import { withDeadline } from '../with-deadline.js';

/**
 * Runs every part in parallel under one deadline. A part that fails or runs late becomes a
 * section saying so: one broken part never hides the others, and the report always comes back.
 */
export async function collectStatus(
  parts: StatusPart[],
  ctx: Omit<StatusContext, 'signal'>,
  deadlineMs: number,
): Promise<StatusSection[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deadlineMs);
  try {
    return await Promise.all(
      parts.map((part) =>
        withDeadline(part.collect({ ...ctx, signal: controller.signal }), deadlineMs, () => new Error(`no answer within ${deadlineMs} ms`)).catch(
          (e: unknown): StatusSection => ({
            title: part.name,
            level: 'critical',
            summary: `could not be read: ${(e as Error).message}`,
            lines: [],
          }),
        ),
      ),
    );
  } finally {
    clearTimeout(timer);
  }
}
