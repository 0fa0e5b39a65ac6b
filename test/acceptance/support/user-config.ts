/**
 * The devbot.yaml a user writes, for an acceptance file: one environment, prod, answered in #ops
 * (C0OPS). The lines every such config shares stand here once, as YAML; a test gives only what it
 * is about (what prod has besides etcd, who may run what, alerts …), as YAML written where it
 * stands in the file, so the whole config still reads as the file a user would write.
 */
import { randomBytes } from 'node:crypto';

export interface UserConfig {
  /** Names this file's Redis keys and job queue (made unique per run): files share one Redis, not each other's jobs. */
  name: string;
  /** prod's etcd endpoints. */
  etcd: readonly string[];
  /** What prod has besides etcd (fleet, aws, remote, databases …), indented as under `prod:`. */
  prod?: string;
  /** The whole `environments:` body, indented as under it, where prod alone is not it (replaces `etcd` and `prod`). */
  environments?: string;
  /** The `channels:` body, indented as under it, where #ops for prod is not it. */
  channels?: string;
  /** The `acl:` body, indented as under it: who may run what is each test's own. */
  acl: string;
  /** Further top-level sections (`alerts:` …), written at the top level. */
  more?: string;
}

/** The YAML text of `config`: the shared lines below, with the test's own parts where they stand. */
export function userConfigYaml(config: UserConfig): string {
  const id = `acceptance-${config.name}-${randomBytes(3).toString('hex')}`;
  const environments = config.environments ?? `
  prod:
    etcd:
      endpoints: [${config.etcd.join(', ')}]${config.prod ? body(config.prod) : ''}`;
  const channels = config.channels ?? `
  ops:
    id: C0OPS
    environment: prod`;
  return `
slack:
  port: 0
redis:
  prefix: ${id}
jobs:
  queue: ${id}
ops:
  workerPort: 0
  servePort: 0
environments:${body(environments)}
channels:${body(channels)}
acl:${body(config.acl)}
${body(config.more ?? '').trimStart()}`;
}

/** A part as the test wrote it, without its blank first and last lines (a template literal's). */
function body(part: string): string {
  return `\n${part.replace(/^\s*\n/, '').trimEnd()}`;
}
