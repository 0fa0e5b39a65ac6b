import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSshRemote } from '../../src/adapters/ssh/ssh-remote.js';
import { HostKeyMismatchError, RemoteTimeoutError, UnreachableError } from '../../src/remote/remote-errors.js';
import { startSshd, type Sshd } from '../harness/sshd.js';

let sshd: Sshd;

beforeAll(async () => {
  sshd = await startSshd({
    addresses: ['127.0.0.2', '127.0.0.3'],
    stubs: {
      whereami: '#!/bin/sh\nset -- $SSH_CONNECTION\necho "on $3"\n',
      'print-args': '#!/bin/sh\nfor a in "$@"; do printf "[%s]\\n" "$a"; done\n',
      'exit-with': '#!/bin/sh\necho "to stderr" >&2\nexit "$1"\n',
      'sleep-long': '#!/bin/sh\nsleep 30\n',
    },
  });
});
afterAll(() => sshd?.close());

const remote = (hostKey: () => string | undefined = () => sshd.hostKey) =>
  createSshRemote({ user: sshd.user, port: sshd.port, privateKey: sshd.clientKey, hostKeyFor: hostKey });

describe('the SSH remote adapter against a real sshd', () => {
  it('runs a command on the machine asked and returns its output and exit code', async () => {
    const result = await remote().run('127.0.0.3', ['whereami'], { timeoutMs: 10_000 });
    expect(result).toMatchObject({ code: 0, stdout: 'on 127.0.0.3\n', stderr: '' });
    expect(result.ms).toBeGreaterThan(0);
  });

  it('passes every argument as one literal word: quotes, spaces and shell syntax are not interpreted', async () => {
    const marker = `/tmp/devbot-pwned-${process.pid}`;
    rmSync(marker, { force: true });
    const args = ["it's", 'two words', `$(touch ${marker})`, `; touch ${marker}`, `\`touch ${marker}\``, '*'];
    const result = await remote().run('127.0.0.2', ['print-args', ...args], { timeoutMs: 10_000 });
    expect(result.stdout.trim().split('\n')).toEqual(args.map((a) => `[${a}]`));
    expect(existsSync(marker)).toBe(false);
  });

  it('reports a non-zero exit code and stderr', async () => {
    const result = await remote().run('127.0.0.2', ['exit-with', '2'], { timeoutMs: 10_000 });
    expect(result).toMatchObject({ code: 2, stderr: 'to stderr\n' });
  });

  it('refuses loudly a machine whose host key is not the pinned one', async () => {
    const run = remote(() => sshd.otherHostKey).run('127.0.0.2', ['whereami'], { timeoutMs: 10_000 });
    await expect(run).rejects.toBeInstanceOf(HostKeyMismatchError);
    await expect(run).rejects.toThrow(/not the key pinned/);
  });

  it('refuses a machine with no pinned host key', async () => {
    await expect(remote(() => undefined).run('127.0.0.2', ['whereami'], { timeoutMs: 10_000 })).rejects.toBeInstanceOf(HostKeyMismatchError);
  });

  it('says a machine nobody listens on is unreachable', async () => {
    await expect(remote().run('127.0.0.4', ['whereami'], { timeoutMs: 10_000 })).rejects.toBeInstanceOf(UnreachableError);
  });

  it('gives up on a command past the timeout', async () => {
    const started = Date.now();
    await expect(remote().run('127.0.0.2', ['sleep-long'], { timeoutMs: 800 })).rejects.toBeInstanceOf(RemoteTimeoutError);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
