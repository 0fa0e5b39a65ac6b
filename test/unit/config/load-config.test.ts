import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/errors.js';

const base = `
environments:
  staging:
    etcd: { endpoints: [http://127.0.0.1:2379] }
channels:
  ops: { environment: staging }
acl:
  groups: { sre: [U1] }
  rules:
    - { name: sre, groups: [sre], verbs: [status], channels: [ops], environments: [staging] }
`;

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults to a minimal valid config', () => {
    const c = loadConfig({ documents: [base] });
    expect(c.redis.url).toBe('redis://127.0.0.1:6379');
    expect(c.slack.port).toBe(3000);
    expect(c.environments['staging']?.protected).toBe(false);
    expect(c.environments['staging']?.etcd.probeTimeoutMs).toBe(500);
  });

  it('takes secrets and endpoints from DEVBOT_* environment variables', () => {
    const c = loadConfig({
      documents: [base],
      env: { DEVBOT_SLACK_BOT_TOKEN: 'xoxb-1', DEVBOT_SLACK_SIGNING_SECRET: 's', DEVBOT_REDIS_URL: 'redis://10.0.0.1:6380', DEVBOT_SLACK_PORT: '4000' },
    });
    expect(c.slack.botToken).toBe('xoxb-1');
    expect(c.slack.signingSecret).toBe('s');
    expect(c.redis.url).toBe('redis://10.0.0.1:6380');
    expect(c.slack.port).toBe(4000);
  });

  it('refuses secrets written in a YAML file and names the variable to use', () => {
    const issues = issuesOf(() => loadConfig({ documents: [base, 'slack: { botToken: xoxb-leak }'] }));
    expect(issues.join('\n')).toMatch(/slack\.botToken: .*DEVBOT_SLACK_BOT_TOKEN/);
  });

  it('reports field-level errors with their path', () => {
    const issues = issuesOf(() => loadConfig({ documents: ['environments:\n  staging:\n    etcd: { endpoints: [not-a-url] }\nslack: { port: 99999 }'] }));
    expect(issues.some((i) => i.startsWith('environments.staging.etcd.endpoints.0:'))).toBe(true);
    expect(issues.some((i) => i.startsWith('slack.port:'))).toBe(true);
  });

  it('rejects unknown keys so typos do not pass silently', () => {
    const issues = issuesOf(() => loadConfig({ documents: [base, 'redis: { ulr: redis://x }'] }));
    expect(issues.join('\n')).toMatch(/redis/);
  });

  it('rejects a policy that references unknown environments, verbs or groups', () => {
    const bad = `${base}
    - { name: typo, groups: [sre, admins], verbs: [deploi], channels: [ops], environments: [production] }
`;
    const issues = issuesOf(() => loadConfig({ documents: [bad] }));
    expect(issues.join('\n')).toContain("unknown environment 'production'");
    expect(issues.join('\n')).toContain("unknown verb 'deploi'");
    expect(issues.join('\n')).toContain("unknown group 'admins'");
  });

  it('rejects a channel bound to an unknown environment', () => {
    const issues = issuesOf(() => loadConfig({ documents: [base, 'channels: { random: { environment: qa } }'] }));
    expect(issues.join('\n')).toContain("channels.random.environment: unknown environment 'qa'");
  });

  it('says clearly when a file cannot be read or is not YAML', () => {
    expect(() => loadConfig({ files: ['/nonexistent/devbot.yaml'] })).toThrow(/Cannot read config file/);
    expect(() => loadConfig({ documents: ['a: [1, 2'] })).toThrow(/not valid YAML/);
  });

  it('loads the shipped example and demo configs', () => {
    expect(() => loadConfig({ files: ['config/devbot.example.yaml'] })).not.toThrow();
    expect(() => loadConfig({ files: ['config/demo.yaml'] })).not.toThrow();
  });
});
