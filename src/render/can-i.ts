import type { ChatMessage } from '../ports/chat.js';
import { context, escapeMrkdwn, fitMessage, section } from './limits.js';

/** The answer to `/dev can-i <command>`. `asked` is the command as typed, already sanitised. */
export type CanIView =
  | { kind: 'answer'; asked: string; where: string; allowed: boolean; reason: string; note?: string }
  | { kind: 'usage'; asked: string; message: string; usage?: string };

/** `/dev can-i` as Block Kit, with a plain-text fallback the console prints. */
export function renderCanI(view: CanIView): ChatMessage {
  if (view.kind === 'usage') {
    const lines = [
      `I can't tell: \`${view.asked}\` is not a valid command.`,
      view.message,
      ...(view.usage ? [`Usage: ${view.usage}`] : []),
    ];
    return fitMessage({ text: lines.join('\n'), blocks: [section(lines.map(escapeMrkdwn).join('\n'))] });
  }
  const answer = `${view.allowed ? 'yes' : 'no'} — ${view.reason}.${view.note ? ` ${view.note}` : ''}`;
  const text = `Can you run \`${view.asked}\` in ${view.where}? ${answer}`;
  const blocks = [
    section(`${view.allowed ? ':white_check_mark:' : ':no_entry:'} *${escapeMrkdwn(answer)}*`),
    context(escapeMrkdwn(`Asked: \`${view.asked}\` in ${view.where}`)),
  ];
  return fitMessage({ text, blocks });
}
