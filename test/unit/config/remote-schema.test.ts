import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { issuesOf } from './config-issues.js';

const withRemote = (remote: string) => `environments:\n  prod:\n    etcd:\n      endpoints: [http://a:2379]\n    remote: ${remote}\n`;

describe('environments.<env>.remote', () => {
  it('defaults: user devbot, port 22, key from DEVBOT_SSH_KEY, 10 s per machine, nothing allowed', () => {
    const remote = loadConfig({ documents: [withRemote('{}')] }).environments['prod']!.remote!;
    expect(remote).toEqual({ user: 'devbot', port: 22, privateKeyEnv: 'DEVBOT_SSH_KEY', hostKeys: {}, timeoutMs: 10_000, parallelism: 4, exec: {} });
  });

  it('takes pinned host keys and allow-listed commands with patterns for their arguments', () => {
    const remote = loadConfig({
      documents: [withRemote(`{ hostKeys: { 10.0.0.5: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG" }, exec: { disk: { argv: [df, -h] }, status: { argv: [systemctl, status, "{unit}"], args: { unit: "[a-z0-9@.-]+" }, dangerous: true } } }`)],
    }).environments['prod']!.remote!;
    expect(remote.exec['disk']).toEqual({ argv: ['df', '-h'], args: {}, dangerous: false });
    expect(remote.exec['status']).toMatchObject({ dangerous: true, args: { unit: '[a-z0-9@.-]+' } });
  });

  it('refuses a placeholder without a pattern, a bad pattern and a key given in place of a variable name', () => {
    expect(issuesOf(withRemote('{ exec: { status: { argv: [systemctl, status, "{unit}"] } } }')).join('\n')).toMatch(/give a pattern for \{unit\}/);
    expect(issuesOf(withRemote('{ exec: { x: { argv: [ls, "{p}"], args: { p: "[" } } } }')).join('\n')).toMatch(/not a valid regular expression/);
    expect(issuesOf(withRemote('{ privateKeyEnv: "-----BEGIN OPENSSH PRIVATE KEY-----" }')).join('\n')).toMatch(/environment variable name/);
  });

  it("takes an entry's ACL verb and target, and refuses a verb devbot does not have", () => {
    const remote = loadConfig({ documents: [withRemote('{ exec: { restart-docker: { argv: [systemctl, restart, docker], acl: { verb: units, target: docker } } } }')] }).environments['prod']!.remote!;
    expect(remote.exec['restart-docker']!.acl).toEqual({ verb: 'units', target: 'docker' });
    expect(issuesOf(withRemote('{ exec: { x: { argv: [ls], acl: { verb: restart } } } }')).join('\n')).toMatch(/exec\.x\.acl\.verb: one of devbot's verbs: status, help/);
    expect(issuesOf(withRemote('{ exec: { x: { argv: [ls], acl: { verbs: [units] } } } }')).join('\n')).toMatch(/verbs/);
  });
});
