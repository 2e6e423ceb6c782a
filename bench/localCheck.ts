/** The local policy check of N apps against `sf project convert source` reading the same files. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../test/helpers/paths.js';
import { SfCli } from '../test/helpers/sfCli.js';
import { fmt, table, timed } from './lib/measure.js';
import { SF_BIN } from './lib/sfHome.js';
import { writeProject } from './lib/seed.js';

export async function localCheck(options: { n: number }): Promise<void> {
  const { n } = options;
  const project = mkdtempSync(join(tmpdir(), 'eca-bench-src-'));
  const sf = SfCli.link();
  try {
    writeProject(project, n);
    const local = await timed(process.execPath, [BIN, 'eca', 'policy', 'check', '--source-dir', 'force-app', '--fail-on', 'none', '--json'], sf.env, project);
    const convert = await timed(SF_BIN, ['project', 'convert', 'source', '--source-dir', 'force-app', '--output-dir', join(project, 'mdapi'), '--json'], sf.env, project);
    table(`Local check of ${n} apps (${n * 5} files)`, ['command', 'wall time', 'peak RSS', 'exit'], [
      ['sf eca policy check --source-dir', fmt(local.ms), `${local.maxRssMb?.toFixed(0)} MB`, String(local.status)],
      ['sf project convert source (same files)', fmt(convert.ms), `${convert.maxRssMb?.toFixed(0)} MB`, String(convert.status)],
      ['ratio (policy check / convert)', (local.ms / convert.ms).toFixed(2), ((local.maxRssMb ?? 0) / (convert.maxRssMb ?? 1)).toFixed(2), ''],
    ]);
  } finally {
    sf.dispose();
    rmSync(project, { recursive: true, force: true });
  }
}
