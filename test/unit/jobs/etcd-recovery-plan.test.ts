import { describe, expect, it } from 'vitest';
import { blockText, planRecovery, type RecoveryInput, type SurvivorState } from '../../../src/jobs/etcd/recover/plan-recovery.js';
import { restoreToolFor } from '../../../src/jobs/etcd/recover/recovery-commands.js';
import { renderRecoveryPlan } from '../../../src/render/etcd-recover.js';
import { SLACK_LIMITS } from '../../../src/render/limits.js';

const now = new Date('2026-11-20T12:00:00Z');

function member(n: number, over: Partial<SurvivorState> = {}): SurvivorState {
  return {
    id: `a${n}`, name: `e${n}`, peerUrl: `http://10.0.${n}.10:2380`, clientUrl: `http://10.0.${n}.10:2379`,
    reachable: false, raftIndex: 0, version: '', error: 'cannot connect (ECONNREFUSED)', ...over,
  };
}

function input(over: Partial<RecoveryInput> = {}): RecoveryInput {
  return {
    environment: 'prod',
    members: [member(1, { reachable: true, raftIndex: 9120, version: '3.4.23', error: undefined }), member(2), member(3, { reachable: true, raftIndex: 9134, version: '3.4.23', error: undefined })],
    membershipFrom: 'etcd',
    quorum: { hasQuorum: false, reason: 'only 1 of 3 members agree e3 leads, 2 needed; unreachable: e2' },
    backup: { name: '20261120T1130-rev8800.db', location: 's3://backups/etcd/prod/20261120T1130-rev8800.db', revision: 8800, takenAt: '2026-11-20T11:30:00Z' },
    host: { dataDir: '/var/lib/etcd', unit: 'etcd-member.service', etcd: 'etcd', etcdctl: 'etcdctl', etcdutl: 'etcdutl' },
    rebuild: ['`/dev deploy gerrit --env prod`', '`/dev deploy postgres --env prod`'],
    now,
    ...over,
  };
}

describe('planRecovery: both ways back from a lost quorum', () => {
  it('names the most advanced survivor, the newest backup and its age, the version and its restore tool', () => {
    const plan = planRecovery(input());
    expect(plan.survivor?.name).toBe('e3');
    expect(plan.backup?.ageMs).toBe(30 * 60_000);
    expect([plan.version, plan.tool]).toEqual(['3.4.23', 'etcdctl']);
    expect(plan.restore?.title).toBe('(a) Restore every member from 20261120T1130-rev8800.db (revision 8800, 30 min old) as a new cluster');
    expect(plan.restore?.loses).toMatch(/^every write after revision 8800 \(the last 30 min\), on every member, survivors included\. A v3 snapshot holds no v2 keys/);
    expect(plan.forceNewCluster?.title).toBe('(b) Force a new cluster on e3, the most advanced survivor (raft index 9134), and re-add the others one at a time');
    expect(plan.forceNewCluster?.loses).toContain('whatever only the dead members had: writes committed after e3 last heard from the leader (at raft index 9134).');
  });

  it('path (a): per member, the exact restore with --name, --initial-cluster, a new token, --initial-advertise-peer-urls and --data-dir; then start all', () => {
    const blocks = planRecovery(input()).restore!.blocks;
    expect(blocks.map((b) => b.title)).toEqual([
      'On e1 (10.0.1.10): restore', 'On e2 (10.0.2.10): restore', 'On e3 (10.0.3.10): restore',
      'Then on every member, once all are restored: start etcd (the restored data dir carries the new membership)',
    ]);
    expect(blocks[1]!.commands).toEqual([
      'sudo systemctl stop etcd-member.service',
      'sudo mv /var/lib/etcd /var/lib/etcd.before-restore-20261120T1200',
      'aws s3 cp s3://backups/etcd/prod/20261120T1130-rev8800.db /tmp/etcd-restore.db',
      'etcdctl snapshot status /tmp/etcd-restore.db -w table',
      'sudo etcdctl snapshot restore /tmp/etcd-restore.db --name e2 --initial-cluster e1=http://10.0.1.10:2380,e2=http://10.0.2.10:2380,e3=http://10.0.3.10:2380 ' +
        '--initial-cluster-token devbot-prod-restore-20261120T1200 --initial-advertise-peer-urls http://10.0.2.10:2380 --data-dir /var/lib/etcd',
    ]);
    expect(blocks[3]!.commands).toEqual(['sudo systemctl start etcd-member.service', 'etcdctl --endpoints=http://10.0.1.10:2379,http://10.0.2.10:2379,http://10.0.3.10:2379 endpoint health']);
  });

  it('restores with etcdutl from 3.5 on, with etcdctl for 3.4 and an unknown version, each run as the host config says', () => {
    expect(['3.4.23', '3.5.0', '3.6.1', '4.0.0', ''].map(restoreToolFor)).toEqual(['etcdctl', 'etcdutl', 'etcdutl', 'etcdutl', 'etcdctl']);
    const docker = 'docker run --rm --net=host -v /var/lib/etcd:/var/lib/etcd -v /tmp:/tmp quay.io/coreos/etcd:v3.5.17 /usr/local/bin/etcdutl';
    const plan = planRecovery(input({ members: input().members.map((m) => (m.reachable ? { ...m, version: '3.5.9' } : m)), host: { ...input().host, etcdutl: docker } }));
    expect(plan.tool).toBe('etcdutl');
    expect(plan.restore!.blocks[0]!.commands.find((c) => c.includes('snapshot restore'))).toMatch(new RegExp(`^sudo ${docker.replace(/[.]/g, '\\.')} snapshot restore /tmp/etcd-restore\\.db --name e1 `));
  });

  it('path (b): force a new cluster on the survivor (with a snapshot at once), then each other member as a learner, promoted, one at a time', () => {
    const [force, e1, e2] = planRecovery(input()).forceNewCluster!.blocks;
    expect(force!.commands).toEqual([
      'sudo systemctl stop etcd-member.service',
      'sudo cp -a /var/lib/etcd /var/lib/etcd.before-force-new-cluster-20261120T1200',
      'sudo etcd --name e3 --data-dir /var/lib/etcd --listen-peer-urls http://10.0.3.10:2380 --initial-advertise-peer-urls http://10.0.3.10:2380 ' +
        '--listen-client-urls http://10.0.3.10:2379 --advertise-client-urls http://10.0.3.10:2379 --force-new-cluster --snapshot-count 1',
      '# in a second shell, once it answers, stop it (Ctrl-C in the first):',
      'etcdctl --endpoints=http://10.0.3.10:2379 endpoint health',
      'sudo systemctl start etcd-member.service',
      'etcdctl --endpoints=http://10.0.3.10:2379 endpoint health',
    ]);
    expect(e1!.title).toBe('Re-add e1 (10.0.1.10), once the members before it are voters');
    expect(e1!.commands[0]).toBe('etcdctl --endpoints=http://10.0.3.10:2379 member add e1 --peer-urls=http://10.0.1.10:2380 --learner');
    expect(e1!.commands).toContain('sudo etcd --name e1 --data-dir /var/lib/etcd --listen-peer-urls http://10.0.1.10:2380 --initial-advertise-peer-urls http://10.0.1.10:2380 ' +
      '--listen-client-urls http://10.0.1.10:2379 --advertise-client-urls http://10.0.1.10:2379 --initial-cluster e3=http://10.0.3.10:2380,e1=http://10.0.1.10:2380 --initial-cluster-state existing');
    expect(e1!.commands).toContain('etcdctl --endpoints=http://10.0.3.10:2379 member promote <the id member add printed for e1>');
    expect(e1!.commands.at(-1)).toBe('sudo systemctl start etcd-member.service');
    // The second one joins a cluster that has the first already.
    expect(e2!.commands.join('\n')).toContain('--initial-cluster e3=http://10.0.3.10:2380,e1=http://10.0.1.10:2380,e2=http://10.0.2.10:2380 --initial-cluster-state existing');
  });

  it('no survivor: only (a); no backup: only (b), saying why', () => {
    const none = planRecovery(input({ members: [member(1), member(2), member(3)] }));
    expect([none.survivor, none.forceNewCluster, none.restore?.title.slice(0, 3)]).toEqual([undefined, undefined, '(a)']);
    const noBackup = planRecovery(input({ backup: undefined, noBackup: 'backups are not configured for prod (environments.prod.etcd.backup)' }));
    expect(noBackup.restore).toBeUndefined();
    expect(renderRecoveryPlan(noBackup).text).toContain('No backup to restore: backups are not configured for prod (environments.prod.etcd.backup).');
  });
});

describe('renderRecoveryPlan', () => {
  it('says it executes nothing and why, lists who answers, and puts each member\'s commands in a code block', () => {
    const message = renderRecoveryPlan(planRecovery(input()));
    const shown = JSON.stringify(message.blocks);
    expect(message.text.split('\n').slice(0, 2)).toEqual([
      'Recovery plan for etcd in prod',
      'devbot runs none of this: the commands run on the main nodes, which devbot reaches only through fleet, and fleet keeps its state in etcd — with etcd down, fleet is down too. Run them over SSH, in order, one member at a time.',
    ]);
    expect(message.text).toContain('e2 (a2) does not answer (cannot connect (ECONNREFUSED))');
    expect(message.text).toContain('e3 (a3) answers: raft index 9134, etcd 3.4.23');
    expect(message.text).toContain('Newest backup: 20261120T1130-rev8800.db (revision 8800, taken 2026-11-20 11:30 UTC, 30 min ago).');
    expect(message.text).toContain("Last step of either path: rebuild fleet's units from the catalog — `/dev deploy gerrit --env prod`; `/dev deploy postgres --env prod`.");
    expect(shown).toContain('member promote &lt;the id member add printed for e1&gt;');
    expect(shown.match(/```/g)?.length).toBe(2 * (4 + 3));
  });

  it('stays within Slack\'s limits for nine members; the thread text has the commands unescaped', () => {
    const nine = Array.from({ length: 9 }, (_, i) => member(i + 1, i === 4 ? { reachable: true, raftIndex: 5, version: '3.4.23', error: undefined } : {}));
    const plan = planRecovery(input({ members: nine }));
    const message = renderRecoveryPlan(plan);
    expect(message.blocks!.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    for (const b of message.blocks!) expect(JSON.stringify(b).length).toBeLessThan(SLACK_LIMITS.sectionText + 200);
    expect(blockText(plan.forceNewCluster!.blocks[1]!)).toMatch(/^Re-add e1 \(10\.0\.1\.10\), once the members before it are voters:\n```\netcdctl --endpoints=http:\/\/10\.0\.5\.10:2379 member add e1 [\s\S]*<the id member add printed for e1>[\s\S]*\n```$/);
  });
});
