import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildClusterTemplate } from '../../../src/stack/cluster-template.js';
import { renderNodeScript } from '../../../src/stack/node-script.js';
import type { CfnTemplate } from '../../../src/stack/template/template.js';
import { awsConfig } from './aws-fixture.js';

interface CloudConfig {
  write_files?: Array<{ path: string; permissions: string; content: string }>;
  coreos: { units: Array<{ name: string; command?: string; content?: string }> };
}
const userDataText = (t: CfnTemplate, role: 'Main' | 'Worker') =>
  ((t.Resources[`${role}LaunchTemplate`]!.Properties as { LaunchTemplateData: { UserData: { 'Fn::Base64': string } } }).LaunchTemplateData.UserData)['Fn::Base64'];
const cloudConfig = (t: CfnTemplate, role: 'Main' | 'Worker') => parse(userDataText(t, role)) as CloudConfig;
const unit = (c: CloudConfig, name: string) => c.coreos.units.find((u) => u.name === name)?.content ?? '';
const file = (c: CloudConfig, path: string) => c.write_files?.find((f) => f.path === path)?.content ?? '';
const execStart = (content: string) => content.split('\n').filter((l) => l.startsWith('ExecStart='));

describe("the main nodes' config text", () => {
  const template = buildClusterTemplate('prod', awsConfig());
  const main = cloudConfig(template, 'Main');
  const join = file(main, '/opt/devbot/bin/etcd-join');

  it('runs etcd v3 (3.5, the image Flatcar uses) from the unit etcd-join starts, with the flags etcd-join writes', () => {
    expect(execStart(unit(main, 'etcd-member.service'))).toEqual([
      'ExecStart=/usr/bin/docker run --rm --name=etcd-member --net=host --volume=/var/lib/etcd:/var/lib/etcd quay.io/coreos/etcd:v3.5.17 /usr/local/bin/etcd $MEMBER_ARGS',
    ]);
    expect(unit(main, 'etcd-member.service')).toContain('EnvironmentFile=/run/devbot/etcd-member.env\n');
    expect(join).toContain(': "${JOIN_ARGS_FILE:=/run/devbot/etcd-member.env}"');
    expect(join).toContain(': "${JOIN_START:=systemctl start etcd-member.service}"');
    expect(join).toContain("printf 'MEMBER_ARGS=%s\\n' \"$MEMBER_ARGS\" >\"$JOIN_ARGS_FILE\"");
    // The v2 API, for fleet: every start of the member passes it.
    expect(join).toMatch(/--initial-cluster-token "\$CLUSTER_TOKEN" --enable-v2=true "\$@"\)/);
    expect(main.coreos.units.find((u) => u.name === 'etcd-join.service')).toMatchObject({ command: 'start' });
    expect(unit(main, 'etcd-join.service')).toContain('EnvironmentFile=/run/devbot/etcd-address.env\nExecStart=/opt/devbot/bin/etcd-join\n');
    // No etcd 2 anywhere.
    expect(userDataText(template, 'Main')).not.toMatch(/etcd2:|coreos\.etcd2|proxy: "on"/);
  });

  it('fills in the cluster: members at their fixed addresses, the stack as token, etcdctl from the same image', () => {
    expect(join).toContain(': "${CLUSTER_MEMBERS:=main-1=http://10.0.0.10:2380,main-2=http://10.0.16.10:2380,main-3=http://10.0.32.10:2380}"');
    expect(join).toContain(': "${CLUSTER_TOKEN:=devbot-prod}"');
    expect(join).toContain(': "${CLUSTER_DISCOVERY=https://discovery.etcd.io/3e86b59982e49066c5d813af1c2e2579}"');
    expect(join).toContain(': "${JOIN_ETCDCTL:=/usr/bin/docker run --rm --net=host --entrypoint=/usr/local/bin/etcdctl quay.io/coreos/etcd:v3.5.17}"');
    expect(userDataText(template, 'Main')).not.toMatch(/@[A-Z_]+@/);
    const address = file(main, '/opt/devbot/bin/etcd-address');
    expect(address).toContain('STACK=devbot-prod\n');
    expect(main.write_files?.map((f) => f.permissions)).toEqual(['0755', '0755']);

    const other = buildClusterTemplate('prod', awsConfig({ etcd: { image: 'registry.example.com/etcd:v3.4.23' } }));
    const otherJoin = file(cloudConfig(other, 'Main'), '/opt/devbot/bin/etcd-join');
    expect(otherJoin).toContain(': "${CLUSTER_DISCOVERY=}"');
    expect(execStart(unit(cloudConfig(other, 'Main'), 'etcd-member.service'))[0]).toContain(' registry.example.com/etcd:v3.4.23 /usr/local/bin/etcd $MEMBER_ARGS');
    expect(execStart(unit(cloudConfig(other, 'Worker'), 'etcd-grpc-proxy.service'))[0]).toContain(' registry.example.com/etcd:v3.4.23 /usr/local/bin/etcd grpc-proxy start');
  });

  it('ships scripts bash can parse', () => {
    for (const path of ['/opt/devbot/bin/etcd-join', '/opt/devbot/bin/etcd-address']) {
      const script = file(main, path);
      expect(script.startsWith('#!/bin/bash\n'), path).toBe(true);
      const check = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
      expect(check.stderr, path).toBe('');
      expect(check.status, path).toBe(0);
    }
  });

  it('gives worker and data nodes a v3 ambassador on 127.0.0.1:2379 to the members, and no member of their own', () => {
    const worker = cloudConfig(template, 'Worker');
    expect(worker.write_files).toBeUndefined();
    expect(execStart(unit(worker, 'etcd-grpc-proxy.service'))).toEqual([
      'ExecStart=/usr/bin/docker run --rm --name=etcd-grpc-proxy --net=host quay.io/coreos/etcd:v3.5.17 /usr/local/bin/etcd grpc-proxy start --endpoints=http://10.0.0.10:2379,http://10.0.16.10:2379,http://10.0.32.10:2379 --listen-addr=127.0.0.1:2379',
    ]);
    expect(worker.coreos.units.map((u) => u.name)).not.toContain('etcd-member.service');
  });
});

describe('node scripts', () => {
  const values = { CLUSTER_MEMBERS: 'a=http://10.0.0.10:2380', CLUSTER_TOKEN: 't', CLUSTER_DISCOVERY: '', ETCD_IMAGE: 'quay.io/coreos/etcd:v3.5.17' };

  it('refuse a missing value, a value without a placeholder, and a value the shell would expand', () => {
    expect(renderNodeScript('etcd-join', values)).toContain(': "${CLUSTER_TOKEN:=t}"');
    const missing: Record<string, string> = { ...values };
    delete missing['ETCD_IMAGE'];
    expect(() => renderNodeScript('etcd-join', missing)).toThrow('etcd-join.sh: no value for @ETCD_IMAGE@');
    expect(() => renderNodeScript('etcd-join', { ...values, EXTRA: 'x' })).toThrow('etcd-join.sh has no placeholder for EXTRA');
    expect(() => renderNodeScript('etcd-join', { ...values, CLUSTER_TOKEN: 't$(reboot)' })).toThrow(/@CLUSTER_TOKEN@ = "t\$\(reboot\)" has characters the shell would expand/);
  });

  it('reach the node without their comment lines, pointing at the commented source', () => {
    const script = renderNodeScript('etcd-join', values);
    expect(script.split('\n').slice(0, 2)).toEqual(['#!/bin/bash', "# etcd-join: written by devbot; the commented source is devbot's src/stack/node-scripts/etcd-join.sh"]);
    expect(script.split('\n').slice(2).filter((l) => /^\s*#/.test(l))).toEqual([]);
  });
});
