/**
 * What decide() knows of the asker's Slack user groups, read before it is called (decide stays
 * pure). Keyed by the entries as rules write them (`S0123SRE` or `@sre-oncall`), so decide never
 * needs to know how a handle maps to an id.
 */
export interface UsergroupStanding {
  /** Entries naming a group the user is in → how to name that group to them (`@sre-oncall`). */
  memberOf: Readonly<Record<string, string>>;
  /**
   * Entries whose members devbot could not read and whose last copy is older than its bound →
   * why, in words for the user. A rule resting on one of these denies (fail closed).
   */
  unreadable: Readonly<Record<string, string>>;
}

export const NO_USERGROUPS: UsergroupStanding = { memberOf: {}, unreadable: {} };
