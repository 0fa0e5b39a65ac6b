import type { ChatMessage } from '../ports/chat.js';
import { context, escapeMrkdwn, fitMessage, header, section } from './limits.js';

/** A verb as help lists it. */
export interface HelpEntry {
  usage: string;
  summary: string;
  /** False while the verb is in the grammar but not built yet. */
  available: boolean;
}

/** Where the answer applies, e.g. "#ops (environment prod)". */
export type HelpView =
  | { kind: 'list'; where: string; entries: HelpEntry[]; notYet: string[] }
  | { kind: 'nothing'; where: string; user: string }
  | { kind: 'verb'; where: string; entry: HelpEntry; examples: string[]; access: { allowed: boolean; reason: string } };

const NOT_YET = 'not available yet';
const code = (text: string): string => `\`${escapeMrkdwn(text)}\``;

function renderList(view: Extract<HelpView, { kind: 'list' }>): ChatMessage {
  const title = `Commands you may run in ${view.where}`;
  const later = view.notYet.length > 0 ? [`Allowed for you but ${NOT_YET} in this version: ${view.notYet.join(', ')}.`] : [];
  const footer = ['`/dev help <command>` shows examples; `/dev can-i <command>` checks one before you run it.'];
  const blocks = [
    header(title),
    ...view.entries.map((e) => section(`*${code(e.usage)}*\n${escapeMrkdwn(e.summary)}`)),
    ...[...later, ...footer].map((line) => context(escapeMrkdwn(line))),
  ];
  const text = [`${title}:`, ...view.entries.map((e) => `${e.usage} — ${e.summary}`), ...later, ...footer].join('\n');
  return fitMessage({ text, blocks });
}

function renderNothing(view: Extract<HelpView, { kind: 'nothing' }>): ChatMessage {
  const lines = [
    `You may not run any devbot commands in ${view.where}.`,
    `An admin grants access by adding a rule for you under \`acl.rules\` in devbot's config: ask whoever runs devbot for your team, and give them your user id, \`${view.user}\`.`,
    '`/dev can-i <command>` tells you why a command is refused.',
  ];
  const blocks = [section(lines.map(escapeMrkdwn).join('\n'))];
  return fitMessage({ text: lines.join('\n'), blocks });
}

function renderVerb(view: Extract<HelpView, { kind: 'verb' }>): ChatMessage {
  const { entry, access } = view;
  const here = !entry.available
    ? `This command is ${NOT_YET} in this version of devbot.`
    : access.allowed
      ? `You may run it in ${view.where}.`
      : `You may not run it here — ${access.reason}.`;
  const blocks = [
    section(`*${code(entry.usage)}*\n${escapeMrkdwn(entry.summary)}`),
    ...(view.examples.length > 0 ? [section(`*Examples*\n${view.examples.map(code).join('\n')}`)] : []),
    context(escapeMrkdwn(here)),
  ];
  const text = [entry.usage, entry.summary, ...view.examples.map((e) => `  e.g. ${e}`), here].join('\n');
  return fitMessage({ text, blocks });
}

/** `/dev help` as Block Kit, with a plain-text fallback the console prints. */
export function renderHelp(view: HelpView): ChatMessage {
  switch (view.kind) {
    case 'list':
      return renderList(view);
    case 'nothing':
      return renderNothing(view);
    case 'verb':
      return renderVerb(view);
  }
}
