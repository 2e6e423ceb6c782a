/**
 * Keeps @salesforce/core's write clock on the wall clock in the test process (test/helpers/setup.ts
 * installs it before any test, through .mocharc.json).
 *
 * core's ConfigFile merges every save with the file on disk, key by key, and the newer value wins
 * (last writer wins). It dates its own values with performance.timeOrigin + performance.now(), a
 * monotonic clock counted from the process start, and the file's with the file's mtime, the wall
 * clock. An `sf` process lives seconds and the two agree. This mocha process lives ten minutes and
 * more: where the wall clock is being corrected (NTP) or the machine was paused, the monotonic date
 * falls behind it, and once it lags by more than the time between two saves of one auth file, the
 * second save is dropped without a word. CI saw that once: a renewed token, a re-login and a refresh
 * were lost, seven tests failed; lagging timeOrigin by 500 ms reproduces the same seven failures.
 *
 * installed, timeOrigin follows the wall clock whenever the two part by more than a millisecond,
 * as a fresh `sf` process would start. test/unit/shared/wallClock.test.ts shows both sides.
 */
type Clock = { readonly timeOrigin: number; now(): number };

/**
 * Makes `target.timeOrigin` follow `wall`; returns the function that puts the old one back.
 * `onDrift` hears each correction (milliseconds, positive when the monotonic date was behind).
 */
export function followWallClock(target: Clock = performance, wall: () => number = Date.now, onDrift?: (ms: number) => void): () => void {
  const own = Object.getOwnPropertyDescriptor(target, 'timeOrigin');
  let origin = target.timeOrigin;
  Object.defineProperty(target, 'timeOrigin', {
    configurable: true,
    enumerable: true,
    get(): number {
      const drift = wall() - (origin + target.now());
      if (Math.abs(drift) > 1) {
        origin += drift;
        onDrift?.(drift);
      }
      return origin;
    },
  });
  return () => {
    if (own) Object.defineProperty(target, 'timeOrigin', own);
    else delete (target as { timeOrigin?: number }).timeOrigin;
  };
}
