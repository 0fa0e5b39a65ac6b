import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/errors.js';

const withRule = (channels: string, extra = '') => `
environments:
  prod:
    etcd: { endpoints: [http://127.0.0.1:2379] }
channels:
  ops: { id: C0123OPS, environment: prod }
  dev-ops: { environment: prod }${extra}
acl:
  rules:
    - { name: sre, users: [U1], verbs: [status], channels: ${channels}, environments: [prod] }
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

describe('channel references in the config', () => {
  it("a rule naming a channel that is not under channels: is a config error, saying what is configured", () => {
    expect(issuesOf(() => loadConfig({ documents: [withRule('[ops, random]')] }))).toEqual([
      "acl.rules.0 (sre).channels: unknown channel 'random' (define it under channels:, with its id, or give the channel's id; configured: ops, dev-ops)",
    ]);
  });

  it("accepts configured names (with or without '#'), '*' and channel ids", () => {
    expect(() => loadConfig({ documents: [withRule("['#ops', dev-ops]")] })).not.toThrow();
    expect(() => loadConfig({ documents: [withRule("['*']")] })).not.toThrow();
    expect(() => loadConfig({ documents: [withRule('[C0999OTHER, G0PRIVATE]')] })).not.toThrow();
  });

  it('allowShared needs the channel id: a shared channel matched by name could be anyone\'s', () => {
    expect(issuesOf(() => loadConfig({ documents: [withRule('[ops]', '\n  partners: { environment: prod, allowShared: true }')] }))).toEqual([
      "channels.partners.allowShared: needs channels.partners.id (a shared channel matched by name could be any workspace's channel of that name)",
    ]);
    const ok = loadConfig({ documents: [withRule('[ops]', '\n  partners: { id: C0PARTNERS, environment: prod, allowShared: true }')] });
    expect(ok.channels['partners']?.allowShared).toBe(true);
    expect(ok.channels['ops']?.allowShared).toBe(false);
  });

  it('console approvals are off unless an environment turns them on', () => {
    expect(loadConfig({ documents: [withRule('[ops]')] }).environments['prod']?.consoleApprovals).toBe(false);
  });

  it.each(['config/devbot.example.yaml', 'config/demo.yaml'])('the shipped %s still loads', (file) => {
    expect(() => loadConfig({ files: [file] })).not.toThrow();
  });
});
