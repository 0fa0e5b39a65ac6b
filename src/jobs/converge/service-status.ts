/** Where one service of a converge stands: what its line in the message says. */
export type ServiceStatus =
  | { state: 'kept' }
  | { state: 'waiting'; on: string[] }
  | { state: 'queued' }
  | { state: 'locked'; detail: string }
  | { state: 'starting' }
  | { state: 'active'; detail: string }
  | { state: 'failed'; error: string; unitState?: string }
  | { state: 'blocked'; on: string[] }
  | { state: 'stopped' };

/** A service's rollout ended: active (with where), or failed (with why and the state it was left in). */
export type ServiceOutcome = { ok: true; detail: string } | { ok: false; error: string; unitState?: string };
