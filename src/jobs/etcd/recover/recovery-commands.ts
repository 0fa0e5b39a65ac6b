/**
 * The shell commands of the two recovery paths, member by member. etcd runs on the nodes as a
 * systemd unit (`host.unit`); where a member must start once with extra flags, the plan runs etcd
 * by hand in the foreground with every flag spelled out, then hands the data dir back to the unit,
 * so the commands do not depend on how the unit passes its flags. Pure.
 */

export interface PlannedMember {
  name: string;
  peerUrl: string;
  clientUrl: string;
}

/** How etcd lives on the nodes (environments.<env>.etcd.host). */
export interface HostLayout {
  dataDir: string;
  unit: string;
  /** Runs etcd, etcdctl and etcdutl on a node (a binary, or `docker run … <image> …`). */
  etcd: string;
  etcdctl: string;
  etcdutl: string;
}

/** One member's part of a path: where to run it, and the commands. */
export interface CommandBlock {
  title: string;
  commands: string[];
}

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
};

/** etcd ≥ 3.5 restores with etcdutl; 3.4 (and an unknown version) with etcdctl. */
export function restoreToolFor(version: string): 'etcdutl' | 'etcdctl' {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 3 || (major === 3 && minor >= 5) ? 'etcdutl' : 'etcdctl';
}

const initialCluster = (members: PlannedMember[]) => members.map((m) => `${m.name}=${m.peerUrl}`).join(',');

/** etcd in the foreground with the member's own URLs, plus `extra`. */
const etcdOnce = (h: HostLayout, m: PlannedMember, extra: string[]) =>
  [`sudo ${h.etcd}`, `--name ${m.name}`, `--data-dir ${h.dataDir}`, `--listen-peer-urls ${m.peerUrl}`, `--initial-advertise-peer-urls ${m.peerUrl}`,
    `--listen-client-urls ${m.clientUrl}`, `--advertise-client-urls ${m.clientUrl}`, ...extra].join(' ');

/** Fetches the backup to /tmp on a member. */
function fetchBackup(location: string): string {
  return location.startsWith('s3://')
    ? `aws s3 cp ${location} /tmp/etcd-restore.db`
    : `scp <devbot's host>:${location} /tmp/etcd-restore.db   # the backup is a file on devbot's worker host`;
}

/** Path (a): every member restored from the same backup into a new cluster (new token), then started. */
export function restoreCommands(input: { members: PlannedMember[]; location: string; token: string; version: string; host: HostLayout; stamp: string }): CommandBlock[] {
  const { members, host } = input;
  const tool = restoreToolFor(input.version) === 'etcdutl' ? host.etcdutl : host.etcdctl;
  const restore = members.map((m): CommandBlock => ({
    title: `On ${m.name} (${hostOf(m.peerUrl)}): restore`,
    commands: [
      `sudo systemctl stop ${host.unit}`,
      `sudo mv ${host.dataDir} ${host.dataDir}.before-restore-${input.stamp}`,
      fetchBackup(input.location),
      `${tool} snapshot status /tmp/etcd-restore.db -w table`,
      `sudo ${tool} snapshot restore /tmp/etcd-restore.db --name ${m.name} --initial-cluster ${initialCluster(members)} --initial-cluster-token ${input.token} --initial-advertise-peer-urls ${m.peerUrl} --data-dir ${host.dataDir}`,
    ],
  }));
  const start: CommandBlock = {
    title: 'Then on every member, once all are restored: start etcd (the restored data dir carries the new membership)',
    commands: [`sudo systemctl start ${host.unit}`, `${host.etcdctl} --endpoints=${members.map((m) => m.clientUrl).join(',')} endpoint health`],
  };
  return [...restore, start];
}

/**
 * Path (b): the most advanced survivor started once with --force-new-cluster (a cluster of one
 * with its data), then every other member re-added one at a time as a learner and promoted.
 *
 * That start also sets --snapshot-count 1, so the survivor writes a snapshot and compacts its raft
 * log at once: a member that joins then gets the whole database as that snapshot. Without it the
 * joiner is sent a replay of the log from before the forced start, and etcd (3.4.23 in this
 * repository's tests; etcd issue #14009 for 3.5) silently leaves the keys written before it out of
 * the joiner's database: members that disagree.
 */
export function forceNewClusterCommands(input: { survivor: PlannedMember; others: PlannedMember[]; host: HostLayout; stamp: string }): CommandBlock[] {
  const { survivor, others, host } = input;
  const etcdctl = `${host.etcdctl} --endpoints=${survivor.clientUrl}`;
  const blocks: CommandBlock[] = [{
    title: `On ${survivor.name} (${hostOf(survivor.peerUrl)}): start it once by hand with --force-new-cluster and --snapshot-count 1, then under its unit again`,
    commands: [
      `sudo systemctl stop ${host.unit}`,
      `sudo cp -a ${host.dataDir} ${host.dataDir}.before-force-new-cluster-${input.stamp}`,
      etcdOnce(host, survivor, ['--force-new-cluster', '--snapshot-count 1']),
      '# in a second shell, once it answers, stop it (Ctrl-C in the first):',
      `${etcdctl} endpoint health`,
      `sudo systemctl start ${host.unit}`,
      `${etcdctl} endpoint health`,
    ],
  }];
  const joined = [survivor];
  for (const m of others) {
    joined.push(m);
    blocks.push({
      title: `Re-add ${m.name} (${hostOf(m.peerUrl)}), once the members before it are voters`,
      commands: [
        `${etcdctl} member add ${m.name} --peer-urls=${m.peerUrl} --learner`,
        `# on ${m.name}:`,
        `sudo systemctl stop ${host.unit}`,
        `sudo mv ${host.dataDir} ${host.dataDir}.before-rejoin-${input.stamp}`,
        etcdOnce(host, m, [`--initial-cluster ${initialCluster(joined)}`, '--initial-cluster-state existing']),
        `# in a second shell, once \`${etcdctl} endpoint status --cluster -w table\` shows it caught up:`,
        `${etcdctl} member promote <the id member add printed for ${m.name}>`,
        `# then stop the etcd started by hand (Ctrl-C) and start the unit again (the data dir now holds the member):`,
        `sudo systemctl start ${host.unit}`,
      ],
    });
  }
  return blocks;
}
