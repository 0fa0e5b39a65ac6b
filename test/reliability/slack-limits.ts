/**
 * What Slack refuses in a message or an ack, as a list of problems (empty = Slack takes it).
 * Limits from Slack's docs: text 4,000 characters, 50 blocks, section text 3,000, section fields
 * 10 of 2,000 each, header 150, context 10 elements; plus what no reply of devbot should ever
 * carry: broken UTF-16 and raw control or invisible characters.
 */
const CONTROL = /[\p{Cc}]/u;
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u061c]/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textOf(value: unknown): string | undefined {
  return value && typeof value === 'object' && 'text' in value ? String((value as { text: unknown }).text) : undefined;
}

function checkString(where: string, text: string, max: number, problems: string[]): void {
  if (text.length > max) problems.push(`${where}: ${text.length} characters (limit ${max})`);
  if (LONE_SURROGATE.test(text)) problems.push(`${where}: lone surrogate (broken UTF-16)`);
  const stripped = text.replace(/\n/g, '');
  if (CONTROL.test(stripped)) problems.push(`${where}: control character U+${stripped.match(CONTROL)![0].codePointAt(0)!.toString(16)}`);
  if (INVISIBLE.test(text)) problems.push(`${where}: invisible character U+${text.match(INVISIBLE)![0].codePointAt(0)!.toString(16)}`);
}

export function slackLimitProblems(message: { text?: unknown; blocks?: unknown }): string[] {
  const problems: string[] = [];
  if (typeof message.text !== 'string' || message.text === '') problems.push('no text');
  else checkString('text', message.text, 4000, problems);
  if (message.blocks === undefined) return problems;
  if (!Array.isArray(message.blocks)) return [...problems, 'blocks is not an array'];
  if (message.blocks.length > 50) problems.push(`${message.blocks.length} blocks (limit 50)`);
  message.blocks.forEach((raw: unknown, i) => {
    const block = raw as Record<string, unknown>;
    const at = `block ${i} (${String(block['type'])})`;
    if (block['type'] === 'section') {
      const text = textOf(block['text']);
      if (text !== undefined) checkString(`${at} text`, text, 3000, problems);
      const fields = (block['fields'] as unknown[] | undefined) ?? [];
      if (fields.length > 10) problems.push(`${at}: ${fields.length} fields (limit 10)`);
      fields.forEach((f, j) => checkString(`${at} field ${j}`, textOf(f) ?? '', 2000, problems));
      if (text === undefined && fields.length === 0) problems.push(`${at}: neither text nor fields`);
    } else if (block['type'] === 'header') {
      checkString(`${at} text`, textOf(block['text']) ?? '', 150, problems);
    } else if (block['type'] === 'context') {
      const elements = (block['elements'] as unknown[] | undefined) ?? [];
      if (elements.length === 0 || elements.length > 10) problems.push(`${at}: ${elements.length} elements (1 to 10)`);
      elements.forEach((e, j) => checkString(`${at} element ${j}`, textOf(e) ?? '', 3000, problems));
    }
  });
  return problems;
}
