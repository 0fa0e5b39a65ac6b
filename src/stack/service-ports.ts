import type { AwsConfig, ServicePortConfig } from '../config/aws-schema.js';
import { ConfigError } from '../errors.js';
import { loadCatalog } from '../units/load-catalog.js';

export type ServicePort = Pick<ServicePortConfig, 'name' | 'port' | 'toPort' | 'protocol' | 'cidr'>;

/** The host port and protocol of a catalog port ("host:container", "ip:host:container", optionally "/udp"). */
function hostPort(spec: string): { port: number; protocol: 'tcp' | 'udp' } | undefined {
  const [mapping = '', proto] = spec.split('/');
  const parts = mapping.split(':');
  const port = Number(parts[parts.length - 2]);
  return Number.isInteger(port) && port > 0 ? { port, protocol: proto === 'udp' ? 'udp' : 'tcp' } : undefined;
}

/** The ports of the services `aws.exposeServices` names, as the catalog publishes them on the host. */
export function catalogServicePorts(expose: AwsConfig['exposeServices'], services: Record<string, { ports: string[] }>): ServicePort[] {
  return expose.flatMap(({ service, cidr }) => {
    const spec = services[service];
    if (!spec) throw new ConfigError(`aws.exposeServices names '${service}', which is not in the service catalog (known: ${Object.keys(services).sort().join(', ')}).`);
    return spec.ports.flatMap((p) => {
      const hp = hostPort(p);
      return hp ? [{ name: `${service}-${hp.port}`, port: hp.port, protocol: hp.protocol, cidr }] : [];
    });
  });
}

/**
 * Every port the services security group opens: the configured ones, then the catalog's for the
 * exposed services (read from the environment's catalog file only when some are exposed).
 * The same port, protocol and source twice is opened once.
 */
export function resolveServicePorts(aws: AwsConfig, env: { aws?: AwsConfig; fleet?: { catalog?: string } } | undefined): ServicePort[] {
  const fromCatalog = aws.exposeServices.length ? catalogServicePorts(aws.exposeServices, loadCatalog(env?.fleet?.catalog ?? 'config/services.yaml').services) : [];
  const seen = new Set<string>();
  return [...aws.servicePorts, ...fromCatalog].filter((p) => {
    const key = `${p.protocol}/${p.port}-${p.toPort ?? p.port}/${p.cidr}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
