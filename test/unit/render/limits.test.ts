import { describe, expect, it } from 'vitest';
import { escapeToFit, SLACK_LIMITS } from '../../../src/render/limits.js';

describe('escapeToFit', () => {
  it('escapes as escapeKeepingMentions does when the text fits', () => {
    expect(escapeToFit('deploy <service> & go, <@U0ALICE>')).toBe('deploy &lt;service&gt; &amp; go, <@U0ALICE>');
  });

  it('keeps a reply that the renderer fitted to the limit within it once escaped, splitting no entity', () => {
    // A list fitted to exactly 4,000 characters, with characters that escaping lengthens.
    const fitted = `${'lock deploy <svc> & co\n'.repeat(200)}`.slice(0, SLACK_LIMITS.messageText);
    const sent = escapeToFit(fitted);
    expect(sent.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    expect(sent.endsWith('…')).toBe(true);
    expect(sent).not.toMatch(/&(?!amp;|lt;|gt;)/);
    expect(sent).not.toMatch(/[<>]/);
  });
});
