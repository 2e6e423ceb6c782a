/** Generated apps for the benchmarks: the same ECAs in a simulator org and in a local project. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildEca } from '../../src/domain/build.js';
import { componentByType, sourceFilePath } from '../../src/domain/components.js';
import { ecaComponents } from '../../src/domain/model.js';
import { serializeMetadataXml } from '../../src/domain/xml.js';
import type { OrgSeed } from '../../simulator/seed.js';

export function apps(n: number, prefix: string): NonNullable<OrgSeed['components']> {
  const out: NonNullable<OrgSeed['components']> = [];
  for (let i = 0; i < n; i++) {
    const { eca } = buildEca({
      name: `${prefix}_${String(i).padStart(4, '0')}`,
      contactEmail: 'bench@acme.example',
      apiVersion: 66,
      template: i % 2 ? 'server-to-server' : 'web-app',
      runAs: 'integration@bench.acme.example',
      callbackUrls: ['https://app.acme.example/cb'],
      ipRelaxation: i % 7 === 0 ? 'Bypass' : 'Enforce',
    });
    for (const c of ecaComponents(eca)) out.push({ type: c.type, fullName: c.fullName, values: c.values });
  }
  return out;
}

export function orgSeed(alias: string, n: number): OrgSeed {
  return {
    alias,
    users: [
      { username: `admin@${alias}.bench.acme.example`, firstName: 'Bench', lastName: 'Admin', profile: 'System Administrator' },
      { username: 'integration@bench.acme.example', lastName: 'Integration', profile: 'Minimum Access - API Only Integrations', apiOnly: true },
    ],
    components: apps(n, 'Bench'),
  };
}

/** A Salesforce DX project with n apps in source format under force-app. */
export function writeProject(project: string, n: number): void {
  writeFileSync(join(project, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '66.0' }));
  for (const c of apps(n, 'Local')) {
    const kind = componentByType(c.type);
    if (!kind) continue;
    const file = join(project, 'force-app', 'main', 'default', sourceFilePath(kind, c.fullName));
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, serializeMetadataXml(c.type, c.values));
  }
}
