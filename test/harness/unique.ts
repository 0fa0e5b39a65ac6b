import { randomUUID } from 'node:crypto';

/**
 * A name no other test in this run uses, for a BullMQ queue, a Redis key prefix or an etcd key
 * prefix: `<label>-<8 hex>`. Only letters, digits and dashes, so it is valid everywhere.
 */
export function uniqueName(label = 't'): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** An etcd key prefix of its own, ending in '/'. */
export function uniqueKeyPrefix(label = 't'): string {
  return `/devbot-test/${uniqueName(label)}/`;
}
