import { describe, expect, it } from 'vitest';
import { withThreadSubject } from '../../../src/commands/thread-subject.js';
import type { CommandInput } from '../../../src/commands/types.js';
import { silentLogger } from '../../../src/log.js';
import type { AlertState } from '../../../src/ports/alert-store.js';
import { createFakeQueue } from '../../fakes/fake-queue.js';
import { createFakeAlertStore } from '../../fakes/fake-stores.js';

const ALERT: AlertState = {
  key: 'prod/etcd-member-unreachable/e2', environment: 'prod', rule: 'etcd-member-unreachable', subject: 'e2', severity: 'warning', kind: 'condition', status: 'firing',
  since: '2026-01-01T00:00:00.000Z', flaps: 0, summary: 'e2 unreachable', details: [], advice: '', channels: ['ops'],
  messages: [{ transport: { kind: 'slack' }, ref: { channel: 'C0OPS', ts: '100.1' }, channel: 'ops' }],
};

async function subjectOf(text: string, where: Partial<CommandInput> = {}, alert: AlertState = ALERT): Promise<string> {
  const alertStore = createFakeAlertStore();
  await alertStore.save([alert]);
  const input: CommandInput = { text, user: 'U1', channel: 'C0OPS', channelName: 'C0OPS', transport: { kind: 'slack' }, requestId: 'r1', threadTs: '100.1', ...where };
  return withThreadSubject(input, { alertStore, log: silentLogger(), queue: createFakeQueue() });
}

describe('withThreadSubject', () => {
  it('in an alert’s thread, `silence 2h` names that alert and `status` its environment', async () => {
    expect(await subjectOf('silence 2h')).toBe('silence prod/etcd-member-unreachable/e2 2h');
    expect(await subjectOf('status')).toBe('status --env prod');
  });

  it('leaves a command that names its subject, or a thread that is no alert’s, as typed', async () => {
    expect(await subjectOf('silence dev/x/y 2h')).toBe('silence dev/x/y 2h');
    expect(await subjectOf('status --env dev')).toBe('status --env dev');
    expect(await subjectOf('silence 2h', { threadTs: '999.9' })).toBe('silence 2h');
    expect(await subjectOf('silence 2h', { channel: 'C0OTHER' })).toBe('silence 2h');
    expect(await subjectOf('silence 2h', { threadTs: undefined })).toBe('silence 2h');
  });

  it('in an alert’s thread, `replace` runs the alert’s own Replace command, and only that', async () => {
    const member = { ...ALERT, command: { label: 'Replace member', text: 'etcd replace e2 --env prod' } };
    expect(await subjectOf('replace', {}, member)).toBe('etcd replace e2 --env prod');
    const machine = { ...ALERT, key: 'prod/machine-gone/4f2a', rule: 'machine-gone', command: { label: 'Replace machine', text: 'replace 4f2a --env prod' } };
    expect(await subjectOf('replace', {}, machine)).toBe('replace 4f2a --env prod');
    // An alert whose button does something else, or none: `replace` asks for its subject as usual.
    expect(await subjectOf('replace', {}, { ...ALERT, command: { label: 'Restart unit', text: 'units restart web --env prod' } })).toBe('replace');
    expect(await subjectOf('replace')).toBe('replace');
  });
});
