import type { BackupEntry } from '../../../ports/backups.js';
import { formatAge as ago } from '../../../render/format-age.js';
import { forceNewClusterCommands, restoreCommands, restoreToolFor, type CommandBlock, type HostLayout, type PlannedMember } from './recovery-commands.js';

/** One member as the plan sees it: from etcd's member list when any member answered, else from the config. */
export interface SurvivorState extends PlannedMember {
  id: string;
  reachable: boolean;
  raftIndex: number;
  version: string;
  error?: string;
}

export interface RecoveryInput {
  environment: string;
  members: SurvivorState[];
  /** Where the membership came from; 'config' means no member answered and peer URLs are guessed. */
  membershipFrom: 'etcd' | 'config';
  quorum: { hasQuorum: boolean; reason: string };
  backup?: Pick<BackupEntry, 'name' | 'location' | 'revision' | 'takenAt'>;
  /** Why there is no backup to restore, when there is none. */
  noBackup?: string;
  host: HostLayout;
  /** The last step of both paths: how to rebuild fleet's units from the catalog. */
  rebuild: string[];
  now: Date;
}

export interface RecoveryPath {
  title: string;
  loses: string;
  blocks: CommandBlock[];
}

export interface RecoveryPlan {
  environment: string;
  members: SurvivorState[];
  membershipFrom: 'etcd' | 'config';
  quorum: RecoveryInput['quorum'];
  survivor?: SurvivorState;
  backup?: RecoveryInput['backup'] & { ageMs: number };
  noBackup?: string;
  /** The version the members report ('' when none answered), and the tool that restores for it. */
  version: string;
  tool: 'etcdutl' | 'etcdctl';
  restore?: RecoveryPath;
  forceNewCluster?: RecoveryPath;
  rebuild: string[];
}


/** "20260314T0930": stamps moved-aside data dirs and the new cluster token. */
const stampOf = (d: Date) => d.toISOString().slice(0, 16).replace(/[-:]/g, '');

/**
 * Both ways back from a lost quorum, computed from what answers now. Pure: the same state gives
 * the same plan (and the same commands), so it can be read, checked and tested before anyone runs it.
 */
export function planRecovery(input: RecoveryInput): RecoveryPlan {
  const { members, host, now } = input;
  const answering = members.filter((m) => m.reachable);
  const survivor = [...answering].sort((a, b) => b.raftIndex - a.raftIndex || a.name.localeCompare(b.name))[0];
  const version = survivor?.version || answering.find((m) => m.version)?.version || '';
  const tool = restoreToolFor(version);
  const stamp = stampOf(now);
  const backup = input.backup ? { ...input.backup, ageMs: Math.max(0, now.getTime() - new Date(input.backup.takenAt).getTime()) } : undefined;
  const restore: RecoveryPath | undefined = backup && {
    title: `(a) Restore every member from ${backup.name} (revision ${backup.revision}, ${ago(backup.ageMs)} old) as a new cluster`,
    loses: `every write after revision ${backup.revision} (the last ${ago(backup.ageMs)}), on every member, survivors included. A v3 snapshot holds no v2 keys, so fleet's state is gone too and is rebuilt in the last step.`,
    blocks: restoreCommands({ members, location: backup.location, token: `devbot-${input.environment}-restore-${stamp}`, version, host, stamp }),
  };
  const dead = members.filter((m) => m !== survivor);
  const forceNewCluster: RecoveryPath | undefined = survivor && {
    title: `(b) Force a new cluster on ${survivor.name}, the most advanced survivor (raft index ${survivor.raftIndex}), and re-add the others one at a time`,
    loses: `whatever only the dead members had: writes committed after ${survivor.name} last heard from the leader (at raft index ${survivor.raftIndex}). ` +
      `${dead.length ? `The data of ${dead.map((m) => m.name).join(', ')} is discarded when they rejoin.` : ''} ${survivor.name}'s v2 keys (fleet's state) stay, but rebuild fleet's units anyway.`,
    blocks: forceNewClusterCommands({ survivor, others: dead, host, stamp }),
  };
  return {
    environment: input.environment, members, membershipFrom: input.membershipFrom, quorum: input.quorum, survivor, backup, noBackup: input.noBackup,
    version, tool, restore, forceNewCluster, rebuild: input.rebuild,
  };
}

/** Each block as a fenced code block with its title, for Slack and the thread. */
export function blockText(b: CommandBlock): string {
  return `${b.title}:\n\`\`\`\n${b.commands.join('\n')}\n\`\`\``;
}
