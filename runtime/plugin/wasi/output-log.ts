// A guest's stdout and stderr as lines of the plugin log.
//
// Owns: cutting the bytes a guest writes into lines (a line ends at `\n`; a
// longer one is cut at `maxLineBytes`), decoding them as UTF-8 (invalid bytes
// become U+FFFD), and a rate limit per instance shared by both streams (a
// token bucket: `burstLines` at once, then `linesPerSecond`), so a chatty
// guest cannot flood the log: lines over the limit are dropped until half the
// burst is back, and the log says when dropping starts and how many it dropped. stdout lines are `info`, stderr lines `error` (a
// guest's stderr is where toolchains print panics before they exit, so the
// host's trap message quotes the last one).
// Must never: write anywhere but the log it was given, or hold more than one
// unfinished line per stream.

import type { LogLevel } from '../../processor/processor.ts';

export interface OutputLimits {
  /** Lines per second a guest may log once its burst is spent. */
  linesPerSecond: number;
  /** Lines a guest may log at once. */
  burstLines: number;
  /** A line longer than this (in bytes) is cut. */
  maxLineBytes: number;
}

export const defaultOutputLimits: OutputLimits = { linesPerSecond: 100, burstLines: 200, maxLineBytes: 8192 };

type Log = (level: LogLevel, message: string) => void;

const newline = 0x0a;
const decoder = new TextDecoder();

/** The two output streams of one instance, sharing one rate limit. */
export class OutputLog {
  readonly stdout: OutputLines;
  readonly stderr: OutputLines;
  private tokens: number;
  private refilledAt: number;
  private dropping = false;
  private dropped = 0;

  constructor(
    private readonly log: Log,
    private readonly limits: OutputLimits = defaultOutputLimits,
    /** Milliseconds of a monotonic clock (for the rate limit). */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = limits.burstLines;
    this.refilledAt = now();
    this.stdout = new OutputLines(this, 'info', limits.maxLineBytes);
    this.stderr = new OutputLines(this, 'error', limits.maxLineBytes);
  }

  /** Logs both streams' unfinished lines (the guest is exiting). */
  flush(): void {
    this.stdout.flush();
    this.stderr.flush();
  }

  /** @internal One complete line of `level`, if the rate limit allows it. */
  emit(level: LogLevel, line: string): void {
    const now = this.now();
    this.tokens = Math.min(this.limits.burstLines, this.tokens + ((now - this.refilledAt) * this.limits.linesPerSecond) / 1000);
    this.refilledAt = now;
    if (this.dropping) {
      // Resume only once half the burst is back: a steady flood logs one
      // notice per cycle, not one per line that squeezes through.
      if (this.tokens < this.limits.burstLines / 2) {
        this.dropped++;
        return;
      }
      this.dropping = false;
      this.log('warn', `${this.dropped} stdout/stderr line(s) of the plugin were dropped by the rate limit`);
      this.dropped = 0;
    }
    if (this.tokens < 1) {
      this.dropping = true;
      this.dropped = 1;
      this.log('warn', `the plugin writes more than ${this.limits.linesPerSecond} lines/s (burst ${this.limits.burstLines}) to stdout/stderr: lines are dropped until it writes less`);
      return;
    }
    this.tokens -= 1;
    this.log(level, line);
  }
}

/** One output stream's bytes, cut into lines. */
export class OutputLines {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly output: OutputLog,
    private readonly level: LogLevel,
    private readonly maxLineBytes: number,
  ) {}

  write(bytes: Uint8Array): void {
    let start = 0;
    for (;;) {
      const end = bytes.indexOf(newline, start);
      if (end < 0) break;
      this.append(bytes.subarray(start, end));
      this.emitPending();
      start = end + 1;
    }
    if (start < bytes.length) this.append(bytes.subarray(start));
  }

  /** Logs the unfinished line, if any. */
  flush(): void {
    if (this.pendingBytes > 0) this.emitPending();
  }

  private append(bytes: Uint8Array): void {
    let rest = bytes;
    while (this.pendingBytes + rest.length > this.maxLineBytes) {
      const room = this.maxLineBytes - this.pendingBytes;
      this.pending.push(rest.slice(0, room));
      this.pendingBytes += room;
      this.emitPending();
      rest = rest.subarray(room);
    }
    if (rest.length > 0) {
      // A copy: the guest's memory may change (or grow) after the call.
      this.pending.push(rest.slice());
      this.pendingBytes += rest.length;
    }
  }

  private emitPending(): void {
    const line = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    let text = decoder.decode(line);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    this.output.emit(this.level, text);
  }
}
