/** Block Kit's limits, as Slack words its `invalid_blocks` reasons (with a json-pointer). */
export function blockProblems(blocks: unknown[]): string[] {
  const problems: string[] = [];
  const over = (path: string, value: unknown, max: number): void => {
    if (typeof value === 'string' && value.length > max) problems.push(`[ERROR] must be less than ${max + 1} characters [json-pointer:${path}]`);
  };
  if (blocks.length > 50) problems.push('[ERROR] no more than 50 items allowed [json-pointer:/blocks]');
  blocks.forEach((raw, i) => {
    const block = (raw ?? {}) as Record<string, unknown>;
    const text = (block.text ?? {}) as Record<string, unknown>;
    if (block.type === 'section') over(`/blocks/${i}/text/text`, text.text, 3000);
    if (block.type === 'header') over(`/blocks/${i}/text/text`, text.text, 150);
    const elements = Array.isArray(block.elements) ? block.elements : block.accessory ? [block.accessory] : [];
    elements.forEach((rawEl: unknown, j) => {
      const el = (rawEl ?? {}) as Record<string, unknown>;
      const where = Array.isArray(block.elements) ? `/blocks/${i}/elements/${j}` : `/blocks/${i}/accessory`;
      over(`${where}/action_id`, el.action_id, 255);
      if (el.type !== 'button') return;
      over(`${where}/text/text`, (el.text as Record<string, unknown> | undefined)?.text, 75);
      over(`${where}/value`, el.value, 2000);
    });
  });
  return problems;
}
