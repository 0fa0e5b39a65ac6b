/**
 * `views.publish` for the Web API fake (slack-api.ts): the Home tab, validated as Slack does
 * (a `user_id`, a view of type `home`, at most 100 blocks within Block Kit's limits); anything
 * else is `invalid_arguments` with Slack's json-pointer messages. Keeps each user's newest view.
 */
import { blockProblems } from './slack-block-limits.js';

export interface PublishedHome {
  user: string;
  blocks: Array<Record<string, unknown>>;
}

export interface FakeViews {
  /** The newest Home tab published for `user`. */
  homeOf(user: string): PublishedHome | undefined;
  answer(method: string, body: Record<string, unknown>): Record<string, unknown> | undefined;
}

const MAX_HOME_BLOCKS = 100;

/** The problems Slack reports for a home view, worded like its `response_metadata.messages`. */
export function homeViewProblems(view: unknown): string[] {
  if (typeof view !== 'object' || view === null) return ['[ERROR] failed to match all allowed schemas [json-pointer:/view]'];
  const v = view as Record<string, unknown>;
  const problems: string[] = [];
  if (v.type !== 'home') problems.push('[ERROR] must be one of the allowed values: home [json-pointer:/view/type]');
  if (!Array.isArray(v.blocks)) return [...problems, '[ERROR] missing required field: blocks [json-pointer:/view]'];
  if (v.blocks.length > MAX_HOME_BLOCKS) problems.push(`[ERROR] no more than ${MAX_HOME_BLOCKS} items allowed [json-pointer:/view/blocks]`);
  // Block Kit's per-block limits are the messages' ones; only the count differs (100, not 50).
  const perBlock = blockProblems(v.blocks).filter((p) => !p.includes('items allowed'));
  return [...problems, ...perBlock.map((p) => p.replace('[json-pointer:/blocks', '[json-pointer:/view/blocks'))];
}

export function createFakeViews(): FakeViews {
  const homes = new Map<string, PublishedHome>();
  return {
    homeOf: (user) => homes.get(user),
    answer(method, body) {
      if (method !== 'views.publish') return undefined;
      if (typeof body.user_id !== 'string' || !body.user_id) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: user_id'] } };
      const problems = homeViewProblems(body.view);
      if (problems.length) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems } };
      const view = body.view as { blocks: Array<Record<string, unknown>> };
      homes.set(body.user_id, { user: body.user_id, blocks: view.blocks });
      return { ok: true, view: { id: `V${homes.size}`, type: 'home', blocks: view.blocks } };
    },
  };
}
