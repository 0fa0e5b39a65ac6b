import { ConstantBackoff, noop } from 'cockatiel';
import { Etcd3 } from 'etcd3';

/**
 * A client for exactly one endpoint, made for health probes: no retries and no circuit breaker
 * (etcd3's defaults retry on other hosts and open a breaker, which hides a dead member and makes a
 * call take 10–20 s). `Policy.noop` from etcd3's docs does not exist in cockatiel 3 — it would be
 * undefined and silently fall back to the defaults — so the `noop` policy is passed itself.
 *
 * grpc-js backs off reconnecting to a member that was down (up to 120 s by default); capping the
 * backoff at 1 s means a restarted member is seen again within about a second. `grpcOptions` adds
 * to these (a snapshot stream wants a larger flow-control window, say). `watchRetryMs` replaces
 * etcd3's watch backoff (exponential, up to 30 s) by a constant one.
 */
export function createProbeClient(endpoint: string, grpcOptions: Record<string, string | number> = {}, opts: { watchRetryMs?: number } = {}): Etcd3 {
  return new Etcd3({
    hosts: [endpoint],
    faultHandling: { host: () => noop, global: noop, ...(opts.watchRetryMs ? { watchBackoff: new ConstantBackoff(opts.watchRetryMs).next() } : {}) },
    grpcOptions: {
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
      ...grpcOptions,
    },
  });
}
