/**
 * Loaded by .mocharc.json before any test file: see wallClock.ts for why. When the monotonic date
 * drifted from the wall clock by more than 5 ms in all, the run ends with one line saying so, so a
 * CI log shows the condition that once dropped auth saves.
 */
import { followWallClock } from './wallClock.js';

let total = 0;
let largest = 0;
followWallClock(performance, Date.now, (ms) => {
  total += ms;
  largest = Math.max(largest, Math.abs(ms));
});
process.on('exit', () => {
  if (Math.abs(total) > 5) process.stderr.write(`test process: the monotonic clock drifted ${total.toFixed(1)} ms from the wall clock (largest step ${largest.toFixed(1)} ms); @salesforce/core's write clock followed the wall clock\n`);
});
