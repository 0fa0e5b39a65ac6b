import {
  EtcdAuthenticationFailedError, EtcdError, EtcdInvalidAuthTokenError, EtcdLeaseInvalidError, EtcdPermissionDeniedError, EtcdRoleExistsError,
  EtcdRoleNotFoundError, EtcdRoleNotGrantedError, EtcdUserExistsError, EtcdUserNotFoundError, GRPCGenericError, isRecoverableError, type Etcd3,
} from 'etcd3';
import { UpstreamError } from '../../errors.js';
import { createProbeClient } from './probe-client.js';

/** The end of a prefix range: the prefix with its last byte incremented. */
export function rangeEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

export interface MemberClients {
  /**
   * Runs `call` on one member with a deadline, starting from the member that answered last, and on
   * the next one only when that member did not answer (down, refusing connections, past the
   * deadline, without a leader). A member's answer (lease not found, permission denied, invalid
   * argument…) is etcd's verdict, the same on every member: it fails at once with
   * UpstreamError('etcd', retryable: false) saying what etcd answered. When no member answers it
   * fails with UpstreamError('etcd') naming each member's error. Errors that come from neither etcd
   * nor the network (a bug in `call`) are thrown as they are.
   */
  onAnyMember<T>(what: string, call: (client: Etcd3, deadline: Date) => Promise<T>): Promise<T>;
  /** The client of the member that answered last (for watches). */
  preferred(): Etcd3;
  close(): Promise<void>;
}

/**
 * One fault-handling-free client per member: a dead member costs one deadline, never the etcd3
 * client's 10–20 s of hidden retries. Shared by the elections and deployment-history adapters.
 */
export function createMemberClients(endpoints: string[], callTimeoutMs: number): MemberClients {
  const clients = endpoints.map((endpoint) => ({ endpoint, client: createProbeClient(endpoint) }));
  let preferred = 0;
  return {
    async onAnyMember(what, call) {
      const errors: string[] = [];
      for (let i = 0; i < clients.length; i++) {
        const index = (preferred + i) % clients.length;
        const { endpoint, client } = clients[index]!;
        try {
          const result = await call(client, new Date(Date.now() + callTimeoutMs));
          preferred = index;
          return result;
        } catch (e) {
          if (!isUnanswered(e)) {
            if (!isEtcdAnswer(e)) throw e;
            preferred = index;
            throw new UpstreamError(`While ${what}, etcd answered: ${describeAnswer(e)}.`, { service: 'etcd', retryable: false, cause: e });
          }
          errors.push(`${endpoint}: ${(e as Error).message.split('\n')[0]}`);
        }
      }
      throw new UpstreamError(`No etcd member answered while ${what} (${errors.join('; ')}).`, { service: 'etcd' });
    },
    preferred: () => clients[preferred]!.client,
    async close() {
      await Promise.allSettled(clients.map(({ client }) => Promise.resolve(client.close())));
    },
  };
}

/** Node's socket errors, should one escape grpc-js unwrapped. */
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE']);

/**
 * The member did not give an answer of its own: UNAVAILABLE (down, refused, or "etcdserver: no
 * leader" / "leader changed"), DEADLINE_EXCEEDED, CANCELLED, INTERNAL, RESOURCE_EXHAUSTED… (what
 * etcd3 marks recoverable), a gRPC failure without a status, or a bare socket error.
 */
function isUnanswered(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (isRecoverableError(e) || e.constructor === GRPCGenericError) return true;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && SOCKET_ERRORS.has(code);
}

/** etcd3's classes for errors etcd's server states (most extend Error, not EtcdError). */
const ETCD_ANSWERS = [
  GRPCGenericError, EtcdError, EtcdLeaseInvalidError, EtcdPermissionDeniedError, EtcdAuthenticationFailedError, EtcdInvalidAuthTokenError,
  EtcdRoleExistsError, EtcdRoleNotFoundError, EtcdRoleNotGrantedError, EtcdUserExistsError, EtcdUserNotFoundError,
];

/** A status etcd's server sent: NOT_FOUND, FAILED_PRECONDITION, INVALID_ARGUMENT, PERMISSION_DENIED… */
function isEtcdAnswer(e: unknown): e is Error {
  return ETCD_ANSWERS.some((kind) => e instanceof kind);
}

/** "requested lease not found", not etcd3's "Lease 5 NOT_FOUND: etcdserver: … is expired or revoked". */
function describeAnswer(e: Error): string {
  if (e instanceof EtcdLeaseInvalidError) return 'requested lease not found (it expired or was already revoked)';
  const said = /etcdserver: ([^\n]+)/.exec(e.message)?.[1] ?? e.message.split('\n')[0]!;
  return said.replace(/\.$/, '');
}
