import type { RedisOptions } from 'ioredis';
import { ConfigError } from '../../errors.js';

/**
 * Where Redis is, from DEVBOT_REDIS_URL: a plain `redis://` / `rediss://` URL, or Sentinel as
 * `redis+sentinel://[:password@]host:26379[,host:26379…]/<master name>[/<db>]` (ioredis then asks
 * the sentinels for the current master and follows failovers).
 */
export function redisTarget(url: string): string | RedisOptions {
  if (!url.startsWith('redis+sentinel://')) return url;
  const rest = url.slice('redis+sentinel://'.length);
  const at = rest.lastIndexOf('@');
  const auth = at >= 0 ? decodeURIComponent(rest.slice(0, at)) : '';
  const [hosts = '', name, db] = (at >= 0 ? rest.slice(at + 1) : rest).split('/');
  const sentinels = hosts.split(',').filter(Boolean).map((h) => {
    const [host = '', port = '26379'] = h.split(':');
    return { host, port: Number(port) };
  });
  if (!name || sentinels.length === 0 || sentinels.some((s) => !s.host || !Number.isInteger(s.port))) {
    throw new ConfigError('DEVBOT_REDIS_URL is not a valid Sentinel URL.', ['redis.url: write redis+sentinel://host:26379,host:26379/<master name>[/<db>]']);
  }
  const password = auth.includes(':') ? auth.slice(auth.indexOf(':') + 1) : auth || undefined;
  return { sentinels, name, password, db: db ? Number(db) : undefined };
}
