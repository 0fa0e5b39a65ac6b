import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureInstalled } from '../../../tools/local-cluster/ensure-installed.js';

const dirs: string[] = [];
/** A PATH directory holding executables with these names. */
function binDir(...names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'devbot-path-'));
  dirs.push(dir);
  for (const n of names) {
    writeFileSync(join(dir, n), '#!/bin/sh\n');
    chmodSync(join(dir, n), 0o755);
  }
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('ensureInstalled', () => {
  it('does nothing when all three binaries are on PATH', () => {
    const calls: string[] = [];
    ensureInstalled({ path: binDir('redis-server', 'etcd', 'etcdctl'), isRoot: true, run: (c) => calls.push(c) });
    expect(calls).toEqual([]);
  });

  it('tells a non-root user exactly what is missing and what to install', () => {
    expect(() => ensureInstalled({ path: binDir('redis-server', 'apt-get'), isRoot: false }))
      .toThrow(/missing etcd, etcdctl on PATH.*apt-get install -y redis-server etcd-server etcd-client/);
  });

  it('as root, runs apt-get update then install, and checks the binaries appeared', () => {
    const path = binDir('apt-get');
    const calls: string[][] = [];
    const run = (command: string, args: string[]) => {
      calls.push([command, ...args]);
      if (args[0] === 'install') binDirInto(path, 'redis-server', 'etcd', 'etcdctl');
    };
    ensureInstalled({ path, isRoot: true, run });
    expect(calls).toEqual([['apt-get', 'update'], ['apt-get', 'install', '-y', 'redis-server', 'etcd-server', 'etcd-client']]);
  });

  it('fails clearly when apt-get ran but a binary is still missing', () => {
    expect(() => ensureInstalled({ path: binDir('apt-get'), isRoot: true, run: () => {} }))
      .toThrow('apt-get finished but redis-server, etcd, etcdctl is still not on PATH');
  });
});

function binDirInto(dir: string, ...names: string[]) {
  for (const n of names) {
    writeFileSync(join(dir, n), '#!/bin/sh\n');
    chmodSync(join(dir, n), 0o755);
  }
}
