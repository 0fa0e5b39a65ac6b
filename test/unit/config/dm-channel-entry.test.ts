import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/errors.js';

const config = (channels: string, rules: string) => `
environments:
  prod: { etcd: { endpoints: [http://127.0.0.1:2379] } }
channels:
${channels}
acl:
  rules:
    - { name: sre, users: [U1], verbs: [status], channels: ${rules}, environments: [prod] }
`;

describe('the dm channel entry', () => {
  it('a rule may name `dm` (direct messages) without a channel of that name', () => {
    expect(loadConfig({ documents: [config('  ops: { id: C0OPS, environment: prod }', '[ops, dm]')] }).acl.rules[0]!.channels).toEqual(['ops', 'dm']);
  });

  it('a channel may not be called dm: the name is taken by direct messages', () => {
    try {
      loadConfig({ documents: [config('  dm: { id: C0DM, environment: prod }', '[dm]')] });
      expect.unreachable('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).issues).toContain("channels.dm: 'dm' is reserved for direct messages with devbot; name the channel otherwise");
    }
  });
});
