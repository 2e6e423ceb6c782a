/**
 * A signal while files are written waits for them to be whole or rolled back (src/shared/stopWhenSafe.ts,
 * used by writeFilesAtomically and the command base class); a second one does not wait.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { writeFilesAtomically } from '../../src/shared/files.js';
import { stopWhenSafe, unstoppable } from '../../src/shared/stopWhenSafe.js';

describe('stopping when the files are safe', () => {
  it('stops at once when nothing is being written', () => {
    let stopped = 0;
    stopWhenSafe(() => stopped++);
    expect(stopped).to.equal(1);
  });

  it('a stop asked for while files are written happens after every file is in place, never between two', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eca-stop-'));
    try {
      const files = Array.from({ length: 20 }, (_, i) => ({ path: join(dir, 'out', `f${i}.txt`), content: `file ${i}\n` }));
      let seenAtStop: string[] | undefined;
      const writing = writeFilesAtomically(files);
      stopWhenSafe(() => (seenAtStop = readdirSync(join(dir, 'out')).sort()));
      expect(seenAtStop, 'not yet: the files are being written').to.equal(undefined);
      await writing;
      expect(seenAtStop).to.deep.equal(files.map((f) => f.path.slice(join(dir, 'out').length + 1)).sort());
      expect(readFileSync(files[19].path, 'utf8')).to.equal('file 19\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('waits for a failed write to be rolled back', async () => {
    const order: string[] = [];
    const failing = unstoppable(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('rolled back');
      throw new Error('disk full');
    });
    stopWhenSafe(() => order.push('stopped'));
    expect(order).to.deep.equal([]);
    await failing.catch(() => undefined);
    expect(order).to.deep.equal(['rolled back', 'stopped']);
  });

  it('a second stop does not wait (the user insists)', async () => {
    const order: string[] = [];
    const writing = unstoppable(() => new Promise((resolve) => setTimeout(resolve, 20)));
    stopWhenSafe(() => order.push('first'));
    stopWhenSafe(() => order.push('second'));
    expect(order).to.deep.equal(['second']);
    await writing;
  });
});
