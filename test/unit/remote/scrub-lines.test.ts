import { describe, expect, it } from 'vitest';
import { scrubOutput } from '../../../src/remote/scrub-lines.js';

describe('scrubOutput', () => {
  it('hides token shapes: Slack tokens, AWS key ids, private key blocks', () => {
    const text = 'using xoxb-123-456-abc\nkey AKIAABCDEFGHIJKLMNOP here\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA\n-----END OPENSSH PRIVATE KEY-----\nafter';
    const out = scrubOutput(text);
    expect(out).not.toMatch(/xoxb-|AKIAABCD|b3BlbnNzaA|BEGIN/);
    expect(out).toContain('after');
  });

  it("hides the values of the catalog's secret-looking variables wherever they appear, keeping the rest", () => {
    const out = scrubOutput('connecting with hunter2-pw to db\nLOG_LEVEL=debug\nAPI_TOKEN=abc123', { DB_PASSWORD: 'hunter2-pw', LOG_LEVEL: 'debug' });
    expect(out).toBe('connecting with [redacted] to db\nLOG_LEVEL=debug\nAPI_TOKEN=[redacted]');
  });
});
