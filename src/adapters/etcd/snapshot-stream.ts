import type { ISnapshotResponse } from 'etcd3';
import { Readable } from 'node:stream';
import { UpstreamError } from '../../errors.js';
import { withDeadline } from '../../with-deadline.js';
import { describeError } from './probe-member.js';

/** grpc-js's server stream of snapshot messages (a Node stream in object mode). */
export type GrpcStream = NodeJS.EventEmitter & { pause(): void; resume(): void; cancel?(): void; destroy?(e?: Error): void };

/**
 * The snapshot's bytes as a Node stream, with backpressure down to gRPC's flow control: a slow
 * reader pauses the member. Destroying it cancels the call. When the reader waits `idleMs` for
 * bytes that do not come (a member hung mid-stream), it fails with UpstreamError.
 */
export function snapshotBytes(grpc: GrpcStream, member: string, idleMs: number): { stream: Readable; first: Promise<void> } {
  let idle: NodeJS.Timeout | undefined;
  const stopWaiting = () => {
    clearTimeout(idle);
    idle = undefined;
  };
  const out: Readable = new Readable({
    highWaterMark: 1024 * 1024,
    read() {
      idle ??= setTimeout(() => out.destroy(new UpstreamError(`etcd member ${member} sent no snapshot data for ${idleMs / 1000} s.`, { service: 'etcd' })), idleMs);
      grpc.resume();
    },
    destroy(err, done) {
      stopWaiting();
      grpc.removeAllListeners('data');
      if (grpc.cancel) grpc.cancel();
      else grpc.destroy?.();
      done(err);
    },
  });
  let arrived: (e?: Error) => void = () => undefined;
  const first = new Promise<void>((resolve, reject) => {
    arrived = (e) => (e ? reject(e) : resolve());
  });
  grpc.on('data', (m: ISnapshotResponse) => {
    stopWaiting();
    arrived();
    if (!out.push(m.blob)) grpc.pause();
  });
  grpc.on('end', () => {
    stopWaiting();
    arrived(new UpstreamError(`etcd member ${member} sent an empty snapshot.`, { service: 'etcd' }));
    out.push(null);
  });
  grpc.on('error', (e: Error) => {
    const broken = new UpstreamError(`The snapshot stream from etcd member ${member} broke: ${describeError(e, idleMs)}.`, { service: 'etcd', cause: e });
    arrived(broken);
    out.destroy(broken);
  });
  // The first bytes come unasked (the member fixes its view as the call starts); then the reader paces it.
  const deadline = withDeadline(first, idleMs, () => new UpstreamError(`etcd member ${member} sent no snapshot data for ${idleMs / 1000} s.`, { service: 'etcd' }));
  return { stream: out, first: deadline };
}
