/**
 * The CLI verbs a new user runs first, exactly as the README shows them: render the stack template
 * from the example config, check a config (good and bad) and start serve without its secrets.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDevbotCli } from './support/shipped-devbot.js';

const NO_AWS = { AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_CONFIG_FILE: '/nonexistent/config' };
const writeFile = (name: string, text: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'devbot-cli-')), name);
  writeFileSync(file, text);
  return file;
};

describe('acceptance: the devbot CLI', () => {
  it('render template works from config/devbot.example.yaml without AWS credentials', async () => {
    const run = await runDevbotCli(['render', 'template', '--config', 'config/devbot.example.yaml'], { env: NO_AWS });
    expect(run.code, run.stderr).toBe(0);
    const template = JSON.parse(run.stdout) as { AWSTemplateFormatVersion: string; Resources: Record<string, { Type: string }> };
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    const types = Object.values(template.Resources).map((r) => r.Type);
    expect(types).toContain('AWS::EC2::VPC');
    expect(types.filter((t) => t === 'AWS::AutoScaling::AutoScalingGroup').length).toBeGreaterThanOrEqual(2);
    expect(run.stderr).toMatch(/prod: \d+ resources/);
  });

  it('check-config accepts the example config', async () => {
    const run = await runDevbotCli(['check-config', '--config', 'config/devbot.example.yaml']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
  });

  it('check-config on a bad file names each bad field and exits 2', async () => {
    const file = writeFile('bad.yaml', `
environments:
  prod:
    etcd:
      endpoints: []
    protected: maybe
acl:
  rules:
    - name: r
      users: [U1]
      verbs: [deploy]
      channels: [ops]
      environments: [nowhere]
`);
    const run = await runDevbotCli(['check-config', '--config', file]);
    expect(run.code).toBe(2);
    const said = run.stdout + run.stderr;
    expect(said).toMatch(/environments\.prod\.etcd\.endpoints/);
    expect(said).toMatch(/environments\.prod\.protected/);
    expect(said).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('serve without DEVBOT_SLACK_BOT_TOKEN says what to set and exits 2, without a stack trace', async () => {
    const file = writeFile('devbot.yaml', `
environments:
  prod:
    etcd:
      endpoints: [http://127.0.0.1:2379]
`);
    const run = await runDevbotCli(['serve', '--config', file], { timeoutMs: 30_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/DEVBOT_SLACK_BOT_TOKEN/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unknown config file is a clear error, exit 2', async () => {
    const run = await runDevbotCli(['worker', '--config', '/nonexistent/devbot.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\/nonexistent\/devbot\.yaml/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
