import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Test files outside test/unit that start every process they need (their own etcd members, fakes,
 * sshd, the demo's cluster) or use the run's Redis only under keys of their own (uniqueName()).
 * Nothing another file does can change what they see, so they run two at a time beside the unit
 * files. Not listed, so run alone in the second group: a file that uses the run's etcd cluster,
 * stops or freezes its members, or touches Redis beyond its own keys; and a file whose goal is a
 * time bound a busy neighbour could break (alerts within 5 s). New files start there too, and move
 * here once they are shown to own their world.
 */
const OWN_THEIR_WORLD = [
  'test/acceptance/cli.acceptance.test.ts',
  // The only file here that runs `npm run demo`: the demo keeps one pointer to its cluster for
  // `devbot local-cluster`, so demo.acceptance (the other) runs in the second group.
  'test/acceptance/demo-converge.acceptance.test.ts',
  'test/integration/acl-channels-wire.test.ts',
  'test/integration/backups-contract.test.ts',
  'test/integration/boot-script.test.ts',
  'test/integration/console-approvals.test.ts',
  'test/integration/converge-drift.test.ts',
  'test/integration/converge.test.ts',
  'test/integration/dashboard-rerun.test.ts',
  'test/integration/deploy-crash-loop.test.ts',
  'test/integration/deploy-failure.test.ts',
  'test/integration/deploy-journal.test.ts',
  'test/integration/etcd-members-adapter.test.ts',
  'test/integration/etcd-members.test.ts',
  'test/integration/etcd-recover.test.ts',
  'test/integration/etcd-replace.test.ts',
  'test/integration/etcd-restore.test.ts',
  'test/integration/fleet-fake-fails-like-fleet.test.ts',
  'test/integration/fleet-fake.test.ts',
  'test/integration/jobs-platform-audit.test.ts',
  'test/integration/jobs-platform-confirm.test.ts',
  'test/integration/jobs-platform-jobs-cancel.test.ts',
  'test/integration/jobs-platform-locks.test.ts',
  'test/integration/jobs-platform-progress.test.ts',
  'test/integration/local-cluster-replace.test.ts',
  'test/integration/local-cluster.test.ts',
  'test/integration/locks-fencing-contract.test.ts',
  'test/integration/log-redaction.test.ts',
  'test/integration/machine-replace-main.test.ts',
  'test/integration/machine-replace.test.ts',
  'test/integration/machines.test.ts',
  'test/integration/no-retries.test.ts',
  'test/integration/progress-slack-429.test.ts',
  'test/integration/redis-sentinel.test.ts',
  'test/integration/remote-exec.test.ts',
  'test/integration/remote-logs.test.ts',
  'test/integration/slack-fake-refusals.test.ts',
  'test/integration/slack-rate-budget-redis-loss.test.ts',
  'test/integration/slack-rate-budget.test.ts',
  'test/integration/slack-response-url-limit.test.ts',
  'test/integration/slack-upload.test.ts',
  'test/integration/slack-usergroups-views-adapters.test.ts',
  'test/integration/slack-wire.test.ts',
  'test/integration/socket-mode.test.ts',
  'test/integration/ssh-remote.test.ts',
  'test/integration/stack-diff-create.test.ts',
  'test/integration/stack-update.test.ts',
  'test/integration/stores-contract.test.ts',
  'test/integration/stream-chat-upload.test.ts',
  'test/integration/units-restart.test.ts',
  'test/integration/usergroup-cache-contract.test.ts',
  'test/reliability/chaos-etcd-replace.test.ts',
  'test/reliability/fuzz-commands.test.ts',
  'test/reliability/signatures.test.ts',
];

const UNIT = 'test/unit/**/*.test.ts';

export default defineConfig({
  test: {
    // One Redis and one 3-member etcd cluster per project (test/harness/global-setup.ts), for the
    // whole run; tests reach them with inject('redisUrl' | 'etcd' | 'clusterState').
    globalSetup: ['test/harness/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'side-by-side',
          include: [UNIT, ...OWN_THEIR_WORLD],
          // Two at a time on the 2-core machines this runs on; the group ends before the next starts.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'one-at-a-time',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, UNIT, ...OWN_THEIR_WORLD],
          // These kill and freeze members of the shared etcd cluster, or read the whole of it, so
          // they never run beside another file.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
