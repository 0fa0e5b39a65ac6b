import { formatIp, isUsableInSubnet, parseCidr, parseIp } from './cidr.js';
import { subnetCidrs, ZONES } from './network.js';

export const ETCD_CLIENT_PORT = 2379;
export const ETCD_PEER_PORT = 2380;

/**
 * One etcd member of the main group, fixed in the template: its name and a private address that
 * outlives the instances (a network interface of its own, which the main node of its zone claims
 * at boot). A replacement node takes the same name and address, so its peers, fleet and devbot
 * keep finding etcd where it was.
 */
export interface MainMember {
  name: string;
  address: string;
  /** Index of the availability zone (and of the node subnet) the address lies in. */
  zone: number;
  peerUrl: string;
  clientUrl: string;
}

/** What the members are computed from: the config's keys, typed structurally so the schema can use it too. */
export interface MainMembersInput {
  size: number;
  network: { vpcCidr: string; publicSubnetCidrs?: string[] | undefined; privateSubnetCidrs?: string[] | undefined; nodeSubnets: 'public' | 'private' };
  /** `name=http://ip:2380,…` from the config: names and addresses chosen by hand. */
  initialCluster?: string | undefined;
}

/** Host part of the first derived address in each zone's subnet (.10, then .11, .12 for the 4th–9th member). */
const FIRST_HOST = 10;

const member = (name: string, address: string, zone: number): MainMember => ({
  name, address, zone, peerUrl: `http://${address}:${ETCD_PEER_PORT}`, clientUrl: `http://${address}:${ETCD_CLIENT_PORT}`,
});

export function nodeSubnetsOf(network: MainMembersInput['network']): string[] {
  const cidrs = subnetCidrs(network);
  return network.nodeSubnets === 'public' ? cidrs.public : cidrs.private;
}

const zoneOf = (subnets: string[], address: number) => subnets.findIndex((s) => isUsableInSubnet(s, address));

/** `name=http://a.b.c.d:2380` pairs; undefined entries for pairs that are not of that form. */
function parseInitialCluster(text: string): Array<{ name: string; address: string } | undefined> {
  return text.split(',').map((pair) => {
    const m = /^([A-Za-z0-9_.-]+)=http:\/\/(\d{1,3}(?:\.\d{1,3}){3}):2380$/.exec(pair);
    return m && parseIp(m[2]!) !== undefined ? { name: m[1]!, address: m[2]! } : undefined;
  });
}

/**
 * Why the configured members do not fit the main group and its subnets; empty when they do (or
 * when none are configured: the derived ones always fit).
 */
export function mainMemberProblems(input: MainMembersInput): string[] {
  if (input.initialCluster === undefined) return [];
  let subnets: string[];
  try {
    subnets = nodeSubnetsOf(input.network);
  } catch {
    return []; // the network's own checks say what is wrong with it
  }
  const pairs = parseInitialCluster(input.initialCluster);
  if (pairs.some((p) => p === undefined)) return ['write name=http://ip:2380 pairs separated by commas'];
  const problems: string[] = [];
  const members = pairs as Array<{ name: string; address: string }>;
  if (members.length !== input.size) problems.push(`list one member per main node: groups.main.size is ${input.size}, initialCluster has ${members.length}`);
  members.forEach(({ name, address }, i) => {
    if (members.findIndex((m) => m.name === name) !== i) problems.push(`member name ${name} is listed twice`);
    if (members.findIndex((m) => m.address === address) !== i) problems.push(`address ${address} is listed twice`);
    if (zoneOf(subnets, parseIp(address)!) < 0) problems.push(`${address} (${name}) is not a usable address of the ${input.network.nodeSubnets} subnets the nodes run in (${subnets.join(', ')})`);
  });
  return problems;
}

/**
 * The main group's members: as configured in `initialCluster`, else `main-1` … `main-N` spread
 * over the zones in turn (member i in zone i mod 3), at .10 of the zone's node subnet (then .11,
 * .12). Throws when the configured ones do not fit (the config schema refuses those first).
 */
export function mainMembers(input: MainMembersInput): MainMember[] {
  const subnets = nodeSubnetsOf(input.network);
  if (input.initialCluster !== undefined) {
    const problems = mainMemberProblems(input);
    if (problems.length) throw new Error(`etcd.initialCluster: ${problems.join('; ')}`);
    return parseInitialCluster(input.initialCluster).map((p) => member(p!.name, p!.address, zoneOf(subnets, parseIp(p!.address)!)));
  }
  return Array.from({ length: input.size }, (_, i) => {
    const zone = i % ZONES;
    const base = parseCidr(subnets[zone]!)!.base;
    return member(`main-${i + 1}`, formatIp(base + FIRST_HOST + Math.floor(i / ZONES)), zone);
  });
}

/** etcd's `--initial-cluster` for the members: `name=peer URL,…`. */
export const initialClusterOf = (members: MainMember[]) => members.map((m) => `${m.name}=${m.peerUrl}`).join(',');

/** The members' client URLs, comma-separated: fleet's etcd_servers, the ambassador's endpoints, devbot's etcd.endpoints. */
export const clientUrlsOf = (members: MainMember[]) => members.map((m) => m.clientUrl).join(',');
