// Host side of `wasi:io/poll`.
//
// Owns: the `pollable` resource and `poll`. Every stream the host hands out
// is always ready (output goes to the log; input is closed), so the only
// pollables that wait are clock deadlines; waiting blocks the thread with
// `Atomics.wait`, which the task's CPU-time guard interrupts, so a guest
// that sleeps is charged for it like for a loop.
// Must never: wait past a deadline, or return an empty list from `poll`.

import type * as Bindings from '@bytecodealliance/preview2-shim/interfaces/wasi-io-poll';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** The monotonic clock's time base (clocks.ts serves it to guests): ns. */
const monotonicNow = (): bigint => process.hrtime.bigint();

/** A readiness a guest can wait for: now (`deadline` 0) or a monotonic instant in ns. */
export class Pollable {
  constructor(private readonly deadline: bigint = 0n) {}

  ready(): boolean {
    return this.deadline <= monotonicNow();
  }

  block(): void {
    for (;;) {
      const remaining = this.deadline - monotonicNow();
      if (remaining <= 0n) return;
      // Atomics.wait takes ms; round up so the deadline has passed on return.
      Atomics.wait(sleeper, 0, 0, Number((remaining + 999_999n) / 1_000_000n));
    }
  }

  /** When it becomes ready (ns on the monotonic clock). */
  get readyAt(): bigint {
    return this.deadline;
  }
}

/** A pollable that is ready at once (a stream that never has to wait). */
export const alwaysReady = (): Pollable => new Pollable(0n);

/** Indexes of the ready pollables; if none is, waits for the earliest first. */
export function poll(pollables: Pollable[]): Uint32Array {
  if (pollables.length === 0) throw new TypeError('wasi:io/poll: poll needs at least one pollable');
  let ready = readyIndexes(pollables);
  if (ready.length === 0) {
    let earliest = pollables[0]!;
    for (const pollable of pollables) if (pollable.readyAt < earliest.readyAt) earliest = pollable;
    earliest.block();
    ready = readyIndexes(pollables);
  }
  return Uint32Array.from(ready);
}

function readyIndexes(pollables: Pollable[]): number[] {
  const out: number[] = [];
  pollables.forEach((pollable, index) => {
    if (pollable.ready()) out.push(index);
  });
  return out;
}

export const ioPollImports = { Pollable, poll } as unknown as typeof Bindings;
