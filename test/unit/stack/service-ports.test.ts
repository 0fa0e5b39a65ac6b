import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { buildClusterTemplate } from '../../../src/stack/cluster-template.js';
import { catalogServicePorts, resolveServicePorts } from '../../../src/stack/service-ports.js';
import { awsConfig } from './aws-fixture.js';

describe('service ports from the catalog', () => {
  const services = { gerrit: { ports: ['8080:8080', '29418:29418'] }, syslog: { ports: ['10.0.0.5:514:514/udp'] }, quiet: { ports: [] } };

  it('opens the host side of each exposed service port, to the given CIDR', () => {
    expect(catalogServicePorts([{ service: 'gerrit', cidr: '0.0.0.0/0' }, { service: 'syslog', cidr: '10.0.0.0/8' }, { service: 'quiet', cidr: '0.0.0.0/0' }], services)).toEqual([
      { name: 'gerrit-8080', port: 8080, protocol: 'tcp', cidr: '0.0.0.0/0' },
      { name: 'gerrit-29418', port: 29418, protocol: 'tcp', cidr: '0.0.0.0/0' },
      { name: 'syslog-514', port: 514, protocol: 'udp', cidr: '10.0.0.0/8' },
    ]);
  });

  it('refuses a service the catalog does not have', () => {
    expect(() => catalogServicePorts([{ service: 'gerit', cidr: '0.0.0.0/0' }], services)).toThrow(ConfigError);
    expect(() => catalogServicePorts([{ service: 'gerit', cidr: '0.0.0.0/0' }], services)).toThrow("aws.exposeServices names 'gerit', which is not in the service catalog (known: gerrit, quiet, syslog).");
  });

  it("reads the environment's catalog file only when services are exposed, and opens each port once", () => {
    const dir = mkdtempSync(join(tmpdir(), 'devbot-catalog-'));
    const catalog = join(dir, 'services.yaml');
    writeFileSync(catalog, 'services:\n  gerrit: { image: gerritcodereview/gerrit, version: "2.15", ports: ["8080:8080", "29418:29418"] }\n');
    const aws = awsConfig({ exposeServices: [{ service: 'gerrit' }], servicePorts: [{ name: 'http', port: 8080 }] });
    const ports = resolveServicePorts(aws, { aws, fleet: { catalog } });
    expect(ports.map((p) => `${p.name} ${p.protocol}/${p.port}`)).toEqual(['http tcp/8080', 'gerrit-29418 tcp/29418']);
    expect(resolveServicePorts(awsConfig(), { fleet: { catalog: join(dir, 'missing.yaml') } })).toEqual([]);
    const template = buildClusterTemplate('prod', aws, ports);
    expect((template.Resources['ServicesSecurityGroup']!.Properties as { SecurityGroupIngress: unknown[] }).SecurityGroupIngress).toHaveLength(2);
  });
});
