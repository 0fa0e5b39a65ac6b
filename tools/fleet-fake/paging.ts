/**
 * fleet's page tokens, as api/pagination.go makes them: base64 (URL alphabet, padded) of two
 * little-endian uint16s, limit then page. The limit is always 100. A page that ends exactly at the
 * end of the collection still carries a token, whose page is then empty (fleet does the same).
 */
export const PAGE_LIMIT = 100;

export class PageTokenError extends Error {}

export function encodePageToken(page: number, limit = PAGE_LIMIT): string {
  const buf = Buffer.alloc(4);
  buf.writeUInt16LE(limit, 0);
  buf.writeUInt16LE(page, 2);
  return buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** The page a request asks for (1 without a token). Throws PageTokenError with fleet's wording. */
export function pageFromQuery(query: URLSearchParams): number {
  const values = query.getAll('nextPageToken');
  if (values.length > 1) throw new PageTokenError('too many values for page token');
  const value = values[0];
  if (value === undefined) return 1;
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(value) || value.length % 4 !== 0) throw new PageTokenError('illegal base64 data at input byte 0');
  const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length < 4) throw new PageTokenError('unexpected EOF');
  if (bytes.readUInt16LE(0) !== PAGE_LIMIT) throw new PageTokenError(`token limit must be ${PAGE_LIMIT}`);
  const page = bytes.readUInt16LE(2);
  if (page === 0) throw new PageTokenError('token page must be greater than zero');
  return page;
}

/** One page of `all` and the token of the next, if fleet would give one. */
export function pageOf<T>(all: T[], page: number): { items: T[]; next?: string } {
  const start = (page - 1) * PAGE_LIMIT;
  const stop = page * PAGE_LIMIT;
  if (start >= all.length) return { items: [] };
  if (stop > all.length) return { items: all.slice(start) };
  return { items: all.slice(start, stop), next: encodePageToken(page + 1) };
}
