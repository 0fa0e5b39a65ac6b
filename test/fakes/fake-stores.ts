import type { AuditEntry, AuditLog } from '../../src/ports/audit.js';
import type { Chat, ChatMessage, MessageRef } from '../../src/ports/chat.js';
import type { Confirmations, PendingConfirmation } from '../../src/ports/confirmations.js';
import type { JobStateStore, ProgressState } from '../../src/ports/job-state.js';
import type { LockHolder, Locks } from '../../src/ports/locks.js';

/** In-memory Locks with TTLs on a clock the test controls. */
export function createFakeLocks(now: () => number = Date.now): Locks {
  const held = new Map<string, { holder: LockHolder; until: number }>();
  let fence = 0;
  const live = (target: string) => {
    const l = held.get(target);
    if (l && l.until <= now()) held.delete(target);
    return held.get(target);
  };
  return {
    async acquire(holder, ttlMs) {
      const cur = live(holder.target);
      if (cur && cur.holder.jobId !== holder.jobId) return { acquired: false, holder: cur.holder };
      held.set(holder.target, { holder: cur?.holder ?? holder, until: now() + ttlMs });
      return { acquired: true };
    },
    async takeOver(holder, ttlMs) {
      const cur = live(holder.target);
      if (cur && cur.holder.jobId !== holder.jobId) return { acquired: false, holder: cur.holder };
      // Like Redis: max(previous + 1, the clock in ms).
      fence = Math.max(fence + 1, now());
      held.set(holder.target, { holder: { ...holder, fence }, until: now() + ttlMs });
      return { acquired: true, fence };
    },
    async renew(target, jobId, mine, ttlMs) {
      const cur = live(target);
      if (!cur || cur.holder.jobId !== jobId || cur.holder.fence === undefined) return 'lost';
      if (cur.holder.fence !== mine) return cur.holder.fence > mine ? 'superseded' : 'lost';
      cur.until = now() + ttlMs;
      return 'held';
    },
    async refresh(target, jobId, ttlMs) {
      const cur = live(target);
      if (!cur || cur.holder.jobId !== jobId) return false;
      cur.until = now() + ttlMs;
      return true;
    },
    async release(target, jobId, mine) {
      const cur = live(target);
      if (cur?.holder.jobId === jobId && (mine === undefined || cur.holder.fence === mine)) held.delete(target);
    },
    async list() {
      return [...held.keys()].flatMap((t) => (live(t) ? [live(t)!.holder] : [])).sort((a, b) => a.since.localeCompare(b.since));
    },
  };
}

/** In-memory AuditLog; like Redis, it forgets entries appended longer than `retentionMs` ago. */
export function createFakeAudit(opts: { retentionMs?: number; now?: () => number } = {}): AuditLog & { entries: AuditEntry[] } {
  const { retentionMs = Infinity, now = Date.now } = opts;
  const entries: AuditEntry[] = [];
  const appendedAt = new WeakMap<AuditEntry, number>();
  return {
    entries,
    async append(e) {
      const entry = { ...e, at: e.at ?? new Date(now()).toISOString() };
      appendedAt.set(entry, now());
      entries.push(entry);
    },
    async latest({ user, target, limit }) {
      const horizon = now() - retentionMs;
      return [...entries]
        .reverse()
        .filter((e) => (appendedAt.get(e) ?? Infinity) >= horizon)
        .filter((e) => (!user || e.user === user) && (!target || e.target === target))
        .slice(0, Math.max(0, limit));
    },
  };
}

export function createFakeConfirmations(now: () => number = Date.now): Confirmations {
  const store = new Map<string, { p: PendingConfirmation; until: number; approvers: Set<string> }>();
  const live = (id: string) => {
    const e = store.get(id);
    if (e && e.until <= now()) store.delete(id);
    return store.get(id);
  };
  return {
    async create(p, ttl) {
      store.set(p.id, { p, until: now() + ttl, approvers: new Set() });
    },
    async get(id) {
      const e = live(id);
      return e && { ...e.p, approvers: [...e.approvers] };
    },
    async attachMessage(id, message) {
      const e = live(id);
      if (e) e.p = { ...e.p, message };
    },
    async approve(id, user) {
      const e = live(id);
      if (!e) return undefined;
      e.approvers.add(user);
      return [...e.approvers];
    },
    async take(id) {
      const e = live(id);
      if (!e) return undefined;
      store.delete(id);
      return { ...e.p, approvers: [...e.approvers] };
    },
  };
}

export function createFakeJobState(): JobStateStore {
  const states = new Map<string, string>();
  return {
    async load(id) {
      const s = states.get(id);
      return s ? (JSON.parse(s) as ProgressState) : undefined;
    },
    async save(state) {
      states.set(state.jobId, JSON.stringify(state));
    },
  };
}

export interface RecordedMessage {
  op: 'post' | 'update' | 'ephemeral';
  channel: string;
  ts: string;
  threadTs?: string;
  message: ChatMessage;
}

/** A Chat that records what it was asked to post; `failNext` makes the next calls fail. */
export function createRecordingChat(): Chat & { messages: RecordedMessage[]; failNext(n: number, error: Error): void } {
  const messages: RecordedMessage[] = [];
  let failures: Error[] = [];
  let ts = 0;
  const maybeFail = () => {
    const e = failures.shift();
    if (e) throw e;
  };
  return {
    messages,
    failNext(n, error) {
      failures = Array.from({ length: n }, () => error);
    },
    async post(channel, message, opts): Promise<MessageRef> {
      maybeFail();
      const ref = { channel, ts: `${++ts}.000` };
      messages.push({ op: 'post', channel, ts: ref.ts, threadTs: opts?.threadTs, message });
      return ref;
    },
    async update(ref, message) {
      maybeFail();
      messages.push({ op: 'update', channel: ref.channel, ts: ref.ts, message });
    },
    async postEphemeral(channel, _user, message) {
      maybeFail();
      messages.push({ op: 'ephemeral', channel, ts: '', message });
    },
  };
}

/** In-memory AlertStore. */
export function createFakeAlertStore(): import('../../src/ports/alert-store.js').AlertStore {
  type AlertState = import('../../src/ports/alert-store.js').AlertState;
  const states = new Map<string, AlertState>();
  const silenced = new Map<string, { until: string; by: string }>();
  const snapshots = new Map<string, unknown>();
  const channelFailures = new Map<string, import('../../src/ports/alert-store.js').ChannelFailure>();
  return {
    async load() {
      return [...states.values()].map((s) => structuredClone(s));
    },
    async save(list) {
      for (const s of list) states.set(s.key, structuredClone(s));
    },
    async remove(keys) {
      for (const k of keys) states.delete(k);
    },
    async silence(key, until, by) {
      silenced.set(key, { until: until.toISOString(), by });
    },
    async silences() {
      const now = Date.now();
      for (const [k, s] of silenced) if (new Date(s.until).getTime() <= now) silenced.delete(k);
      return Object.fromEntries(silenced);
    },
    async lastSnapshot(environment) {
      return snapshots.get(environment);
    },
    async saveSnapshot(environment, snapshot) {
      snapshots.set(environment, structuredClone(snapshot));
    },
    async channelFailures() {
      return Object.fromEntries([...channelFailures].map(([k, f]) => [k, structuredClone(f)]));
    },
    async saveChannelFailure(failure) {
      channelFailures.set(failure.channel, structuredClone(failure));
    },
    async clearChannelFailure(channel) {
      channelFailures.delete(channel);
    },
  };
}
