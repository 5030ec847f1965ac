// Scheduled punctuators of one task, per kind of time.
//
// Owns: when each punctuator is due, following Kafka Streams: stream-time
// punctuators are aligned to 0 and fire on the first record; wall-clock ones
// first fire one interval after scheduling; a punctuator that missed several
// intervals fires once and is realigned (no burst of catch-up calls).
// Must never: call plugins itself — it only says which punctuators are due.

import type { PunctuationType } from '../processor/processor.ts';

export interface PunctuationSchedule {
  readonly id: number;
  readonly node: string;
  readonly intervalMs: number;
  readonly kind: PunctuationType;
  /** The time at or after which it is next due. */
  nextAt: number;
  cancelled: boolean;
}

export class PunctuationQueue {
  private readonly schedules = new Map<number, PunctuationSchedule>();
  private nextId = 1;

  schedule(node: string, intervalMs: number, kind: PunctuationType, wallClockNow: number): PunctuationSchedule {
    const schedule: PunctuationSchedule = {
      id: this.nextId++,
      node,
      intervalMs,
      kind,
      nextAt: kind === 'stream-time' ? 0 : wallClockNow + intervalMs,
      cancelled: false,
    };
    this.schedules.set(schedule.id, schedule);
    return schedule;
  }

  /** Cancels `id` if it belongs to `node`; other ids are ignored. */
  cancel(node: string, id: number): void {
    const schedule = this.schedules.get(id);
    if (schedule && schedule.node === node) {
      schedule.cancelled = true;
      this.schedules.delete(id);
    }
  }

  /**
   * The schedules of `kind` due at `now`, in the order they became due, each
   * already moved to its next time. A schedule cancelled while earlier ones
   * run is skipped by the caller through `cancelled`.
   */
  takeDue(kind: PunctuationType, now: number): PunctuationSchedule[] {
    if (kind === 'stream-time' && now < 0) return [];
    const due = [...this.schedules.values()]
      .filter((schedule) => schedule.kind === kind && schedule.nextAt <= now)
      .sort((a, b) => a.nextAt - b.nextAt || a.id - b.id);
    for (const schedule of due) {
      let next = schedule.nextAt + schedule.intervalMs;
      if (now >= next) {
        const missed = Math.floor((now - schedule.nextAt) / schedule.intervalMs);
        next = schedule.nextAt + (missed + 1) * schedule.intervalMs;
      }
      schedule.nextAt = next;
    }
    return due;
  }

  /** Ids of the live schedules of `node`. */
  idsOf(node: string): number[] {
    return [...this.schedules.values()].filter((schedule) => schedule.node === node).map((schedule) => schedule.id);
  }

  /** Drops every schedule of `node` (its instance was replaced). */
  clearNode(node: string): void {
    for (const [id, schedule] of this.schedules) {
      if (schedule.node === node) {
        schedule.cancelled = true;
        this.schedules.delete(id);
      }
    }
  }

  get size(): number {
    return this.schedules.size;
  }
}
