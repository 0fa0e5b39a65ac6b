import { expect } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/errors.js';

/** What loadConfig says is wrong with `yaml`; fails the test when it loads. */
export function issuesOf(yaml: string): string[] {
  try {
    loadConfig({ documents: [yaml] });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}
