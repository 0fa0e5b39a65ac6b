import { createHash, randomInt } from 'node:crypto';

/** A machine as a test or the demo describes it. */
export interface FakeMachineSpec {
  /** For logs and for deriving a stable id. */
  name: string;
  metadata?: Record<string, string>;
  /** Its primaryIP; by default a loopback address of its own (127.x.y.n), so containers on different machines never clash. */
  ip?: string;
}

export interface FakeMachine {
  /** 32 hex digits, like /etc/machine-id. */
  id: string;
  name: string;
  ip: string;
  metadata: Record<string, string>;
}

/** A loopback /24 of this fake's own: 127.a.b.0. */
export function loopbackNet(): string {
  return `127.${randomInt(16, 250)}.${randomInt(0, 255)}`;
}

export function makeMachine(spec: FakeMachineSpec, index: number, net: string): FakeMachine {
  const id = createHash('sha1').update(`${net}/${spec.name}`).digest('hex').slice(0, 32);
  return { id, name: spec.name, ip: spec.ip ?? `${net}.${index + 1}`, metadata: { ...(spec.metadata ?? {}) } };
}

/** The demo's cluster: three main nodes in three zones, a worker, and the SFTP and PHP-app data nodes. */
export const DEMO_MACHINES: FakeMachineSpec[] = [
  { name: 'main-a', metadata: { role: 'main', az: 'a' } },
  { name: 'main-b', metadata: { role: 'main', az: 'b' } },
  { name: 'main-c', metadata: { role: 'main', az: 'c' } },
  { name: 'worker-a', metadata: { role: 'worker', az: 'a' } },
  { name: 'data-sftp', metadata: { role: 'data', task: 'sftp', az: 'b' } },
  { name: 'data-php', metadata: { role: 'data', task: 'php-app-db', az: 'c' } },
];
