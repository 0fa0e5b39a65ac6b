import { describe, expect, it } from 'vitest';
import { joinMachines } from '../../../src/jobs/machines/join-machines.js';
import { renderMachines } from '../../../src/render/machines.js';

describe('renderMachines', () => {
  it('stays within Slack\'s limits for a large cluster', () => {
    const machines = Array.from({ length: 400 }, (_, i) => ({ id: `${String(i).padStart(8, '0')}aaaaaaaaaaaaaaaaaaaaaaaa`, ip: `10.0.${Math.floor(i / 200)}.${i % 200}`, metadata: { role: 'worker' } }));
    const states = machines.flatMap((m) => ['web@1.service', 'cache.service', 'proxy.service'].map((name) => ({ name, hash: 'h', machineId: m.id, loadState: 'loaded', activeState: 'active', subState: 'running' })));
    const instances = machines.map((m, i) => ({ id: `i-${i}`, zone: 'eu-west-1a', privateIp: m.ip, state: 'running', launchedAt: new Date(0), group: { name: 'devbot-prod-WorkerGroup-Y', logicalId: 'WorkerGroup', lifecycleState: 'InService', healthStatus: 'Healthy' } }));
    const message = renderMachines('prod', joinMachines(machines, states, instances));
    expect(message.text.length).toBeLessThanOrEqual(4000);
    expect(message.text.split('\n')[0]).toBe('Machines of prod: 400 in fleet, 400 EC2 instances; 0 without fleet, 0 without an instance');
    expect(message.blocks!.length).toBeLessThanOrEqual(50);
    for (const b of message.blocks!) expect(((b as { text?: { text?: string } }).text?.text ?? '').length).toBeLessThanOrEqual(3000);
  });
});
