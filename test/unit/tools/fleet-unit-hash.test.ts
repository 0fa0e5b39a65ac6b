import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/units/load-catalog.js';
import { renderCatalog } from '../../../src/units/render-units.js';
import { serializeUnitFile, unitHash, type HashedOption } from '../../../tools/fleet-fake/unit-hash.js';

/**
 * The fleet fake's unit hash against vectors worked out outside any code of ours: each expected
 * hash is `printf '<the unit file>' | sha1sum` of the text fleet's definition gives (go-systemd's
 * unit.Serialize, then SHA-1: coreos/fleet unit/unit.go `UnitFile.Hash`). To check one by hand,
 * run the printf shown next to it.
 */
const o = (section: string, name: string, value: string): HashedOption => ({ section, name, value });

const VECTORS: Array<{ what: string; options: HashedOption[]; text: string; sha1: string }> = [
  // printf '' | sha1sum
  { what: 'no options: an empty file', options: [], text: '', sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
  // printf '[Unit]\nDescription=x\n' | sha1sum
  { what: 'one section, one option', options: [o('Unit', 'Description', 'x')], text: '[Unit]\nDescription=x\n', sha1: '9fcce57bebda098e6fb9d87b2543194856511ef2' },
  // printf '[Unit]\nDescription=web\nAfter=docker.service\n\n[Service]\nExecStart=/usr/bin/docker run --rm web\n\n[X-Fleet]\nMachineMetadata=role=main\n' | sha1sum
  {
    what: 'sections grouped in order of first appearance, a blank line between them',
    options: [o('Unit', 'Description', 'web'), o('Service', 'ExecStart', '/usr/bin/docker run --rm web'), o('Unit', 'After', 'docker.service'), o('X-Fleet', 'MachineMetadata', 'role=main')],
    text: '[Unit]\nDescription=web\nAfter=docker.service\n\n[Service]\nExecStart=/usr/bin/docker run --rm web\n\n[X-Fleet]\nMachineMetadata=role=main\n',
    sha1: 'f1f44adbe1a6988030ef6e77f8353430e57790ae',
  },
  // printf '[Unit]\nDescription=caf\xc3\xa9 100%%\n' | sha1sum   (UTF-8 bytes of é)
  { what: 'non-ASCII values hashed as UTF-8', options: [o('Unit', 'Description', 'café 100%')], text: '[Unit]\nDescription=café 100%\n', sha1: '2ade1a6fddc94254a0580cfa4e6dc9a8d65452ac' },
  // printf '[Service]\nExecStart=/bin/true\nEnvironment=A=1\n' | sha1sum
  { what: 'a value holding =', options: [o('Service', 'ExecStart', '/bin/true'), o('Service', 'Environment', 'A=1')], text: '[Service]\nExecStart=/bin/true\nEnvironment=A=1\n', sha1: 'e480209d7d22f4d38b6f4d198d4bc625d86866c7' },
];

describe("fleet fake: the unit hash as fleet defines it", () => {
  it.each(VECTORS)('$what', ({ options, text, sha1 }) => {
    expect(serializeUnitFile(options)).toBe(text);
    expect(unitHash(options)).toBe(sha1);
  });

  it('agrees with devbot\'s own serializer on every unit of the catalog (two implementations, one definition)', () => {
    for (const unit of renderCatalog(loadCatalog('config/services.yaml'))) expect(unitHash(unit.options), unit.name).toBe(unit.hash);
  });
});
