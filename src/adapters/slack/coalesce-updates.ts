/**
 * Updates of one message that wait for their turn collapse into one: when a turn comes, the newest
 * content requested so far is sent, and every caller it stands for settles with that send. An
 * urgent (final) update does not join a waiting ordinary one, so it keeps its own priority; the
 * ordinary one, run later, sees it has nothing newer to send. `onSuperseded(n)` hears of the `n`
 * updates a send stood for without sending them (for metrics).
 */
export function createUpdateCoalescer<M>(onSuperseded: (count: number) => void = () => {}) {
  interface Entry {
    seq: number;
    sentSeq: number;
    /** The newest update a send has taken up: those between it and the next one taken were superseded. */
    takenSeq: number;
    latest: M;
    waiting?: { urgent: boolean; done: Promise<void> };
    /** The send on the wire, if any: one at a time per message, so an overtaking final state never races an older one. */
    sending?: Promise<void>;
  }
  const entries = new Map<string, Entry>();

  return {
    /** `schedule(send)` puts `send` in the queue; `send(message)` writes to Slack. */
    update(key: string, message: M, urgent: boolean, schedule: (run: () => Promise<void>) => Promise<void>, send: (message: M) => Promise<void>): Promise<void> {
      let entry = entries.get(key);
      if (!entry) {
        entry = { seq: 0, sentSeq: 0, takenSeq: 0, latest: message };
        entries.set(key, entry);
      }
      const e = entry;
      e.seq += 1;
      e.latest = message;
      if (e.waiting && (e.waiting.urgent || !urgent)) return e.waiting.done;
      const mine: { urgent: boolean; done: Promise<void> } = { urgent, done: Promise.resolve() };
      // Set before scheduling: a schedule that runs at once must find itself and step aside.
      e.waiting = mine;
      mine.done = schedule(async () => {
        if (e.waiting === mine) e.waiting = undefined;
        while (e.sending) await e.sending;
        if (e.sentSeq >= e.seq) return;
        const seq = e.seq;
        if (seq - e.takenSeq > 1) onSuperseded(seq - e.takenSeq - 1);
        e.takenSeq = seq;
        const sending = send(e.latest);
        const onWire = sending.then(() => undefined, () => undefined);
        e.sending = onWire;
        try {
          await sending;
          e.sentSeq = Math.max(e.sentSeq, seq);
        } finally {
          if (e.sending === onWire) e.sending = undefined;
          if (!e.waiting && !e.sending && entries.get(key) === e) entries.delete(key);
        }
      });
      return mine.done;
    },
  };
}
