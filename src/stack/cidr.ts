/** IPv4 CIDR arithmetic for the network layout: parsing, containment, and cutting subnets. */

export interface Cidr {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

/** Parses `a.b.c.d/n`; undefined when malformed or when host bits are set (EC2 refuses those). */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  if (base % 2 ** (32 - prefix) !== 0) return undefined;
  return { base, prefix };
}

export function formatCidr(c: Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(c.base / 2 ** shift) % 256);
  return `${octets.join('.')}/${c.prefix}`;
}

/** Whether `inner` lies wholly inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  if (!o || !i || i.prefix < o.prefix) return false;
  return Math.floor(i.base / 2 ** (32 - o.prefix)) === Math.floor(o.base / 2 ** (32 - o.prefix));
}

/** The `index`-th block of size /`prefix` inside `outer`. Throws when it does not fit. */
export function subnetOf(outer: string, prefix: number, index: number): string {
  const o = parseCidr(outer);
  if (!o) throw new Error(`not a CIDR block: ${outer}`);
  if (prefix < o.prefix || prefix > 28 || index >= 2 ** (prefix - o.prefix)) {
    throw new Error(`${outer} has no /${prefix} block number ${index}`);
  }
  return formatCidr({ base: o.base + index * 2 ** (32 - prefix), prefix });
}

/** `a.b.c.d` as an unsigned 32-bit number; undefined when malformed. */
export function parseIp(text: string): number | undefined {
  const c = parseCidr(`${text}/32`);
  return c?.base;
}

export function formatIp(address: number): string {
  return formatCidr({ base: address, prefix: 32 }).slice(0, -3);
}

/**
 * Whether EC2 lets an instance use `address` in `subnet`: inside it, and not one of the four
 * addresses AWS reserves at the start (network, router, DNS, future) nor the last (broadcast).
 */
export function isUsableInSubnet(subnet: string, address: number): boolean {
  const s = parseCidr(subnet);
  if (!s) return false;
  const size = 2 ** (32 - s.prefix);
  return address >= s.base + 4 && address < s.base + size - 1;
}
