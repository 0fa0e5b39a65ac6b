/**
 * The systemd units that run etcd v3 on the nodes, from the image Flatcar's own etcd-member.service
 * uses (quay.io/coreos/etcd), in Docker, so CoreOS and Flatcar images behave alike. Our
 * etcd-member.service replaces the image's: its flags come from etcd-join, which decides how the
 * member joins (a unit file cannot).
 */

export interface EtcdUnit {
  name: string;
  content: string;
  /** Started by coreos-cloudinit at every boot; the others are started by those. */
  start: boolean;
}

const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** Paths on the node. */
export const NODE_PATHS = {
  joinScript: '/opt/devbot/bin/etcd-join',
  addressScript: '/opt/devbot/bin/etcd-address',
  /** Written by etcd-address: MEMBER_NAME and MEMBER_ADDRESS. */
  addressEnv: '/run/devbot/etcd-address.env',
  /** Written by etcd-join: MEMBER_ARGS, etcd's flags. */
  memberEnv: '/run/devbot/etcd-member.env',
  dataDir: '/var/lib/etcd',
};

/** The units of a main node: claim the member's address, decide how to join, run etcd. */
export function mainNodeUnits(image: string): EtcdUnit[] {
  return [
    { name: 'etcd-address.service', start: false, content: lines(
      '[Unit]',
      "Description=Claim this node's etcd member address (a free member interface of its zone)",
      'Requires=docker.service',
      'Wants=network-online.target',
      'After=docker.service network-online.target',
      '',
      '[Service]',
      'Type=oneshot',
      'RemainAfterExit=yes',
      'TimeoutStartSec=0',
      `ExecStart=${NODE_PATHS.addressScript}`,
    ) },
    { name: 'etcd-join.service', start: true, content: lines(
      '[Unit]',
      "Description=Start this node's etcd member: a new cluster, a restart, or a rejoin after replacement",
      'Requires=etcd-address.service docker.service',
      'After=etcd-address.service docker.service',
      '',
      '[Service]',
      'Type=oneshot',
      'RemainAfterExit=yes',
      'TimeoutStartSec=0',
      `EnvironmentFile=${NODE_PATHS.addressEnv}`,
      `ExecStart=${NODE_PATHS.joinScript}`,
    ) },
    { name: 'etcd-member.service', start: false, content: lines(
      '[Unit]',
      'Description=etcd v3 member (started by etcd-join.service)',
      'Requires=docker.service',
      'After=docker.service',
      'Conflicts=etcd.service etcd2.service',
      '',
      '[Service]',
      `EnvironmentFile=${NODE_PATHS.memberEnv}`,
      'ExecStartPre=-/usr/bin/docker rm --force etcd-member',
      `ExecStart=/usr/bin/docker run --rm --name=etcd-member --net=host --volume=${NODE_PATHS.dataDir}:${NODE_PATHS.dataDir} ${image} /usr/local/bin/etcd $MEMBER_ARGS`,
      'ExecStop=/usr/bin/docker stop etcd-member',
      'Restart=always',
      'RestartSec=10s',
      'TimeoutStartSec=0',
      'LimitNOFILE=40000',
    ) },
  ];
}

/**
 * Worker and data nodes: an etcd v3 ambassador on 127.0.0.1:2379 for containers and etcdctl
 * (`etcdctl elect`, devbot's elections). etcd 3.4+ has no v2 proxy mode and grpc-proxy serves v3
 * only, so fleet, which speaks v2, talks to the members' fixed addresses instead.
 */
export function ambassadorUnit(image: string, clientUrls: string): EtcdUnit {
  return { name: 'etcd-grpc-proxy.service', start: true, content: lines(
    '[Unit]',
    'Description=etcd v3 ambassador on 127.0.0.1:2379 (grpc-proxy to the main nodes)',
    'Requires=docker.service',
    'After=docker.service',
    '',
    '[Service]',
    'ExecStartPre=-/usr/bin/docker rm --force etcd-grpc-proxy',
    `ExecStart=/usr/bin/docker run --rm --name=etcd-grpc-proxy --net=host ${image} /usr/local/bin/etcd grpc-proxy start --endpoints=${clientUrls} --listen-addr=127.0.0.1:2379`,
    'ExecStop=/usr/bin/docker stop etcd-grpc-proxy',
    'Restart=always',
    'RestartSec=10s',
  ) };
}
