/**
 * A service catalog and its units on the fleet fake, written by the bench itself (the status report
 * reads names and states, not unit contents): a catalog the worker's config names, and each service
 * submitted over fleet's API v1 as fleetctl does — a template `name@.service`, inactive, and its
 * instances `name@N.service`, launched, carrying the template's options.
 */
import { writeFileSync } from 'node:fs';

export interface BenchService {
  name: string;
  instances: number;
}

/** `services: ...` YAML for `fleet.catalog`, matching what submitUnits puts on fleet. */
export function writeCatalog(file: string, services: BenchService[]): void {
  writeFileSync(file, `services:\n${services.map((s) => `  ${s.name}:\n    image: nginx\n    version: "1.25"\n    instances: ${s.instances}\n    placement: { spread: false }\n`).join('')}`);
}

const optionsOf = (service: string) => [
  { section: 'Unit', name: 'Description', value: `${service} (${service} 1.25, instance %i)` },
  { section: 'Unit', name: 'After', value: 'docker.service' },
  { section: 'Service', name: 'ExecStart', value: `/usr/bin/docker run --rm --name ${service}-%i nginx:1.25` },
  { section: 'Service', name: 'ExecStop', value: `/usr/bin/docker stop ${service}-%i` },
];

async function put(fleetUrl: string, name: string, desiredState: string, options: unknown[]): Promise<void> {
  const res = await fetch(`${fleetUrl}/fleet/v1/units/${encodeURIComponent(name)}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, desiredState, options }) });
  if (res.status !== 201 && res.status !== 204) throw new Error(`fleet answered ${res.status} to PUT ${name}: ${await res.text()}`);
}

/** Submits every service's template and instances, `parallel` requests at a time. Returns the number of units launched. */
export async function submitUnits(fleetUrl: string, services: BenchService[], parallel = 16): Promise<number> {
  const jobs: Array<() => Promise<void>> = [];
  for (const s of services) {
    const options = optionsOf(s.name);
    jobs.push(async () => {
      await put(fleetUrl, `${s.name}@.service`, 'inactive', options);
      for (let i = 1; i <= s.instances; i++) await put(fleetUrl, `${s.name}@${i}.service`, 'launched', options);
    });
  }
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < jobs.length) await jobs[next++]!();
  }));
  return services.reduce((n, s) => n + s.instances, 0);
}
