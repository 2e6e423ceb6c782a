/**
 * Why the test process keeps @salesforce/core's write clock on the wall clock (test/helpers/
 * wallClock.ts): core dates its own values with performance.timeOrigin + performance.now() and the
 * file's with its mtime, and keeps the newer. A process whose monotonic date lags the wall clock
 * loses a save made soon after another; following the wall clock keeps it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigFile } from '@salesforce/core';
import { expect } from 'chai';
import { followWallClock } from '../../helpers/wallClock.js';

describe('the test process follows the wall clock (core keeps the newer of its save and the file)', () => {
  let dir: string;
  let own: PropertyDescriptor | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eca-wall-clock-'));
    own = Object.getOwnPropertyDescriptor(performance, 'timeOrigin');
  });
  afterEach(() => {
    if (own) Object.defineProperty(performance, 'timeOrigin', own);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Two saves of one file, a moment apart, as a login and its renewal; what the file then holds. */
  async function saveTwice(): Promise<unknown> {
    const open = (): Promise<ConfigFile> => ConfigFile.create({ filename: 'auth.json', rootFolder: dir, isGlobal: false, isState: false });
    const first = await open();
    first.set('accessToken', 'first');
    await first.write();
    const second = await open();
    second.set('accessToken', 'second');
    await second.write();
    return (await open()).get('accessToken');
  }

  function lagBehindWallClock(ms: number): void {
    const origin = performance.timeOrigin;
    Object.defineProperty(performance, 'timeOrigin', { configurable: true, get: () => origin - ms });
  }

  it('core drops the second save when its clock lags the wall clock by 500 ms (what CI met)', async () => {
    lagBehindWallClock(500);
    expect(await saveTwice()).to.equal('first');
  });

  it('with the process following the wall clock, the second save holds', async () => {
    lagBehindWallClock(500);
    const undo = followWallClock();
    try {
      expect(await saveTwice()).to.equal('second');
    } finally {
      undo();
    }
  });

  it('moves the origin only when the two clocks part by more than a millisecond, and puts the old one back', () => {
    let wall = 10_000;
    let mono = 0;
    const heard: number[] = [];
    const clock = { timeOrigin: 9_000, now: (): number => mono };
    const undo = followWallClock(clock, () => wall, (ms) => heard.push(ms));
    expect(clock.timeOrigin).to.equal(10_000);
    mono = 250.5;
    wall = 10_251;
    expect(clock.timeOrigin).to.equal(10_000);
    wall = 10_900;
    expect(clock.timeOrigin + clock.now()).to.equal(10_900);
    expect(heard).to.deep.equal([1_000, 649.5]);
    undo();
    expect(Object.getOwnPropertyDescriptor(clock, 'timeOrigin')?.value).to.equal(9_000);
  });
});
