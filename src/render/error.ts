import type { ChatMessage } from '../ports/chat.js';
import { fitMessage, section } from './limits.js';

/** A job or command that failed, as the user sees it. */
export function renderFailure(what: string, reason: string): ChatMessage {
  const text = `:x: ${what} failed: ${reason}`;
  return fitMessage({ text, blocks: [section(text)] });
}
