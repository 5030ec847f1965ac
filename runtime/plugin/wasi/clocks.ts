// Host side of `wasi:clocks/monotonic-clock` and `wasi:clocks/wall-clock`.
//
// Owns: what time a guest sees. The wall clock is the task's wall clock
// (the host's clock in production; the test driver's simulated clock under
// test, so a guest's `SystemTime::now()` agrees with wall-clock punctuation),
// at millisecond resolution. The monotonic clock is the process's
// (`process.hrtime`, ns), for measuring durations; waiting on it is io/poll's.
// Must never: let the monotonic clock go backwards, or read any other clock.

import type * as MonotonicClock from '@bytecodealliance/preview2-shim/interfaces/wasi-clocks-monotonic-clock';
import type * as WallClock from '@bytecodealliance/preview2-shim/interfaces/wasi-clocks-wall-clock';
import { Pollable } from './io-poll.ts';

/** Nanoseconds on the process's monotonic clock (io-poll.ts waits on the same). */
export function monotonicNow(): bigint {
  return process.hrtime.bigint();
}

export const monotonicClockImports: typeof MonotonicClock = {
  now: monotonicNow,
  resolution: () => 1n,
  subscribeInstant: (when: bigint) => new Pollable(when),
  subscribeDuration: (duration: bigint) => new Pollable(monotonicNow() + duration),
} as unknown as typeof MonotonicClock;

/** The wall clock of the task an instance runs in: ms since the Unix epoch. */
export type WallClockSource = () => number;

export function wallClockImports(wallClockTime: WallClockSource): typeof WallClock {
  return {
    now: () => {
      const ms = Math.floor(wallClockTime());
      const seconds = Math.floor(ms / 1000);
      return { seconds: BigInt(seconds), nanoseconds: (ms - seconds * 1000) * 1_000_000 };
    },
    resolution: () => ({ seconds: 0n, nanoseconds: 1_000_000 }),
  };
}
