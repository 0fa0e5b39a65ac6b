import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRenderTemplate } from '../../../src/cli/render-template.js';
import { validateTemplate } from './cfn-spec-validator.js';

function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'devbot-render-')), 'devbot.yaml');
  writeFileSync(file, yaml);
  return file;
}
const env = (name: string, aws = '') => `  ${name}:\n    etcd: { endpoints: [http://127.0.0.1:2379] }\n${aws ? `    aws: ${aws}\n` : ''}`;
const AWS = '{ imageId: ami-0123456789abcdef0, sshCidr: 203.0.113.0/24, etcd: { discoveryUrl: "https://discovery.etcd.io/abc" } }';

function render(yaml: string, opts: { env?: string } = {}) {
  let out = '';
  let err = '';
  const code = runRenderTemplate(configFile(yaml), opts, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

describe('devbot render template', () => {
  it('prints the template of the only environment with an aws section, without AWS credentials', () => {
    const { code, out, err } = render(`environments:\n${env('local')}${env('prod', AWS)}`);
    expect(code).toBe(0);
    const template = JSON.parse(out) as { Description: string };
    expect(template.Description).toMatch(/^devbot cluster for prod/);
    expect(validateTemplate(template)).toEqual([]);
    expect(err).toMatch(/^prod: 33 resources, \d+ bytes as sent \(CloudFormation's limit: 51200\)\.\n$/);
  });

  it('asks for --env when several environments have one, and says how to configure AWS when none has', () => {
    const two = `environments:\n${env('staging', AWS)}${env('prod', AWS)}`;
    expect(render(two)).toMatchObject({ code: 2, out: '', err: 'Several environments have an aws section (staging, prod): pick one with --env.\n' });
    expect(render(two, { env: 'staging' }).code).toBe(0);
    expect(render(two, { env: 'qa' }).err).toBe('Unknown environment \'qa\'. Known: staging, prod.\n');
    expect(render(`environments:\n${env('local')}`).err).toMatch(/^No environment has an aws section: add `environments\.<env>\.aws`/);
    expect(render(`environments:\n${env('local')}`, { env: 'local' }).err).toMatch(/^AWS is not configured for local: add `environments\.local\.aws`/);
  });
});
