/** How much of the user's own text an error message quotes back. */
export const ECHO_LIMIT = 60;

/**
 * Makes user text safe to quote inside `code` in a reply, in Slack and in a terminal: invisible
 * and control characters become U+FFFD, whitespace runs one space, a backtick cannot close the
 * code span, angle brackets cannot form Slack markup (<!channel>, <@U…>), and it is cut to
 * `limit` characters.
 */
export function echoUserText(text: string, limit = ECHO_LIMIT): string {
  const cleaned = text
    .replace(/\s+/gu, ' ')
    .replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/gu, '\uFFFD')
    .replaceAll('`', "'")
    .replaceAll('<', '‹')
    .replaceAll('>', '›');
  const chars = Array.from(cleaned);
  return chars.length > limit ? `${chars.slice(0, limit - 1).join('')}…` : cleaned;
}

/** `text`, echoed safely, in a code span. */
export function quoteUserText(text: string, limit = ECHO_LIMIT): string {
  return `\`${echoUserText(text, limit)}\``;
}
