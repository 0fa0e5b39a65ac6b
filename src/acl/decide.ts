import { VERB_NAMES, type Verb } from '../commands/verbs.js';
import { bareName, DM_ENTRY, isChannelId } from './channel-entries.js';
import type { AclPolicy, AclRule } from './policy.js';
import { sharedChannelRefusal, type SharedChannelInfo } from './shared-channel.js';
import type { UsergroupStanding } from './usergroup-standing.js';

export interface Principal {
  user: string;
  /** The user's Slack user groups, resolved before decide (acl/usergroup-membership.ts). Unset: in none. */
  usergroups?: UsergroupStanding;
}

/** Where a request was made, as commands/resolve-channel.ts resolves it against `channels:`. */
export interface AclChannel extends SharedChannelInfo {
  id: string;
  name: string;
  /**
   * The channel's key under `channels:`: matched by its id when that entry has one, else by name.
   * Unset for a channel devbot has no config for, whatever it is called. Rule entries that name a
   * channel match only this.
   */
  configured?: string;
  /** A direct message with devbot: only `dm` entries (or its D… id) cover it, not '*'. */
  directMessage?: boolean;
}

export interface AclRequest {
  verb: Verb;
  /** What the command acts on (commandTarget); undefined matches target-limited rules too. */
  target?: string;
  channel: AclChannel;
  environment: string;
}

export interface Decision {
  allowed: boolean;
  /** The rule that allowed it, first in policy order; unset for denials and for help/can-i. */
  rule?: string;
  /** One sentence for the user: what allowed it, or precisely what is missing. */
  reason: string;
  /** The Slack user group through which the rule named the user (`@sre-oncall`), when that is how. */
  usergroup?: string;
}

/**
 * help and can-i only tell the asker about their own permissions (and the grammar, which is no
 * secret), so anyone may ask them: refusing would only hide from people what they are allowed
 * to do, and "ask devbot" is how someone new finds out whom to ask.
 */
const ANSWERABLE_BY_ANYONE: ReadonlySet<Verb> = new Set<Verb>(['help', 'can-i']);

const covers = (list: readonly string[], value: string): boolean => list.includes('*') || list.includes(value);

/**
 * An id entry covers the channel with that id; a name entry covers the configured channel of that
 * name (which resolve-channel matched by its id when it has one). A Slack channel's own name is
 * never compared: another channel, or another workspace's, may carry the same name.
 */
function coversChannel(list: readonly string[], channel: AclChannel): boolean {
  if (channel.directMessage) return list.some((c) => bareName(c) === DM_ENTRY || c === channel.id);
  const configured = channel.configured === undefined ? undefined : bareName(channel.configured);
  return list.some((c) => c === '*' || (isChannelId(c) ? c === channel.id : configured !== undefined && bareName(c) === configured));
}

/** A denial's hint when the channel is named like a configured one but is not it (another id). */
function lookalike(list: readonly string[], channel: AclChannel): string {
  if (channel.configured !== undefined || !list.some((c) => !isChannelId(c) && bareName(c) === bareName(channel.name))) return '';
  return `; this is not the #${bareName(channel.name)} devbot is configured for (configured channels are matched by their id)`;
}

/** `users: ['*']` is everyone, as '*' is everywhere else in a rule; it has to be written out. */
function namesDirectly(policy: AclPolicy, rule: AclRule, user: string): boolean {
  return covers(rule.users, user) || rule.groups.some((g) => policy.groups[g]?.includes(user) ?? false);
}

/** The first of the rule's Slack user groups the principal is in, as named to them. */
function viaUsergroup(rule: AclRule, principal: Principal): string | undefined {
  const memberOf = principal.usergroups?.memberOf ?? {};
  const entry = (rule.usergroups ?? []).find((u) => memberOf[u] !== undefined);
  return entry === undefined ? undefined : memberOf[entry];
}

function namesUser(policy: AclPolicy, rule: AclRule, principal: Principal): boolean {
  return namesDirectly(policy, rule, principal.user) || viaUsergroup(rule, principal) !== undefined;
}

/** The rule's Slack user groups whose members could not be read fresh enough, with why. */
function unreadableOf(rule: AclRule, principal: Principal): Array<[string, string]> {
  const unreadable = principal.usergroups?.unreadable ?? {};
  return (rule.usergroups ?? []).flatMap((u) => (unreadable[u] === undefined ? [] : [[u, unreadable[u]] as [string, string]]));
}

/** A rule without targets covers every target; a request without a target (help) matches any rule. */
function coversTarget(rule: AclRule, target: string | undefined): boolean {
  return target === undefined || rule.targets === undefined || covers(rule.targets, target);
}

/** "a, b, c and 4 more": reasons stay one readable line however big the policy is. */
function listSome(items: Iterable<string>, max = 8): string {
  const unique = [...new Set(items)];
  const shown = unique.slice(0, max).join(', ');
  return unique.length > max ? `${shown} and ${unique.length - max} more` : shown;
}

/** Slack channel names are lowercase, so an upper-case C…/G… entry is an id: shown bare, not as #C0123. */
const hash = (channel: string): string => (isChannelId(channel) ? channel : `#${channel.replace(/^#/, '')}`);

function deny(reason: string): { allowed: false; reason: string } {
  return { allowed: false, reason };
}

/**
 * Decides one request against the policy. Pure; deny by default. Slack user group membership
 * comes in the principal, read beforehand; a group that could not be read counts as not joined,
 * and a denial a rule resting on it might have lifted says so.
 */
export function decide(policy: AclPolicy, principal: Principal, req: AclRequest): Decision {
  const verb = `\`${req.verb}\``;
  if (ANSWERABLE_BY_ANYONE.has(req.verb)) {
    return { allowed: true, reason: `anyone may ask ${verb}: it only shows you your own permissions` };
  }
  const outside = sharedChannelRefusal(req.channel);
  if (outside) return deny(outside);
  const mine = policy.rules.filter((r) => namesUser(policy, r, principal));
  if (mine.length === 0) {
    return failClosed(policy, principal, req, deny(`${verb} is not allowed for you: no access rule names you (an admin can add one under acl.rules)`));
  }
  const narrowed = narrow(mine, req);
  return narrowed.allowed ? allowedBy(policy, narrowed.rule, principal) : failClosed(policy, principal, req, narrowed);
}

/** Names the rule that allowed, and the Slack user group it named the user through, if that is how. */
function allowedBy(policy: AclPolicy, rule: AclRule, principal: Principal): Decision {
  const group = namesDirectly(policy, rule, principal.user) ? undefined : viaUsergroup(rule, principal);
  if (group === undefined) return { allowed: true, rule: rule.name, reason: `allowed by rule \`${rule.name}\`` };
  return { allowed: true, rule: rule.name, usergroup: group, reason: `allowed by rule \`${rule.name}\`, as a member of the Slack user group ${group}` };
}

/**
 * A denial that a rule resting on an unreadable Slack user group might have turned into an allow:
 * it stays a denial (fail closed), and says so, rather than blaming the policy.
 */
function failClosed(policy: AclPolicy, principal: Principal, req: AclRequest, denial: Decision): Decision {
  const uncertain = policy.rules.filter((r) => !namesUser(policy, r, principal) && unreadableOf(r, principal).length > 0);
  const rule = uncertain.find((r) => narrow([r], req).allowed);
  if (!rule) return denial;
  const [entry, why] = unreadableOf(rule, principal)[0]!;
  return deny(`\`${req.verb}\` is denied for now: rule \`${rule.name}\` allows it to members of the Slack user group ${entry}, and devbot cannot tell whether you are one (${why}). Try again in a few minutes; until then only rules that name you directly apply`);
}

type Narrowed = { allowed: true; rule: AclRule } | { allowed: false; reason: string };

/**
 * The checks narrow the asker's rules in order (verb, channel, environment, target), so a denial
 * names the first thing that no rule of theirs covers, and what their rules do cover there.
 */
function narrow(mine: AclRule[], req: AclRequest): Narrowed {
  const verb = `\`${req.verb}\``;
  const forVerb = mine.filter((r) => covers(r.verbs, req.verb));
  if (forVerb.length === 0) {
    return deny(`${verb} is not allowed for you anywhere (your rules cover: ${listSome(mine.flatMap((r) => r.verbs))})`);
  }
  const where = req.channel.directMessage ? 'a direct message' : hash(req.channel.name || req.channel.id);
  const inChannel = forVerb.filter((r) => coversChannel(r.channels, req.channel));
  if (inChannel.length === 0) {
    const listed = forVerb.flatMap((r) => r.channels);
    if (req.channel.directMessage) {
      return deny(`${verb} is not allowed for you in a direct message (you may run it in ${listSome(listed.map((c) => (c === '*' ? 'any channel' : hash(c))))}; an admin can allow DMs with \`channels: [dm]\` in a rule)`);
    }
    return deny(`${verb} is not allowed for you in ${where} (you may run it in ${listSome(listed.map(hash))})${lookalike(listed, req.channel)}`);
  }
  const inEnvironment = inChannel.filter((r) => covers(r.environments, req.environment));
  if (inEnvironment.length === 0) {
    const only = listSome(inChannel.flatMap((r) => r.environments));
    const env = req.environment === '' ? 'without an environment (none is set up here; pass --env)' : `in environment ${req.environment}`;
    return deny(`${verb} is allowed for you in ${where} but not ${env} (only in: ${only})`);
  }
  const rule = inEnvironment.find((r) => coversTarget(r, req.target));
  if (!rule) {
    const targets = inEnvironment.flatMap((r) => r.targets ?? []);
    const whose = inEnvironment.length === 1 ? 'your rule covers' : 'your rules cover';
    return deny(`\`${req.verb} ${req.target ?? ''}\` is not allowed for you (${whose}: ${listSome(targets)})`);
  }
  return { allowed: true, rule };
}

/** The verbs `principal` may run in this channel and environment, in grammar order. */
export function allowedVerbs(
  policy: AclPolicy,
  principal: Principal,
  where: { channel: AclRequest['channel']; environment: string },
): Verb[] {
  return VERB_NAMES.filter((verb) => decide(policy, principal, { verb, ...where }).allowed);
}
