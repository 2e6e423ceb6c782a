/** Loaded by .mocharc.json before any test file: see wallClock.ts for why. */
import { followWallClock } from './wallClock.js';

followWallClock();
