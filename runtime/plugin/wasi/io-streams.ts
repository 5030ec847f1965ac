// Host side of `wasi:io/streams`.
//
// Owns: the only streams a plugin can hold — an input stream that is closed
// (stdin: reading gives end of stream at once) and output streams whose bytes
// become plugin log lines (stdout, stderr; see output-log.ts). Both are
// always ready, so nothing here ever waits.
// Must never: read from or write to anything of the host but the plugin log.

import type * as Bindings from '@bytecodealliance/preview2-shim/interfaces/wasi-io-streams';
import { alwaysReady, type Pollable } from './io-poll.ts';
import type { OutputLines } from './output-log.ts';

/** Most bytes the guest may write per `check-write` (the adapter writes ≤ 4096 at a time). */
const writeBudget = 1n << 20n;

/** A thrown `payload` becomes the `err` of the call's result in the guest. */
const closed = { payload: { tag: 'closed' } satisfies Bindings.StreamErrorClosed };

/** An input stream at its end: every read reports `closed`. */
export class InputStream {
  read(_length: bigint): Uint8Array {
    throw closed;
  }
  blockingRead(_length: bigint): Uint8Array {
    throw closed;
  }
  skip(_length: bigint): bigint {
    throw closed;
  }
  blockingSkip(_length: bigint): bigint {
    throw closed;
  }
  subscribe(): Pollable {
    return alwaysReady();
  }
}

/** An output stream into plugin log lines; writing never blocks or fails. */
export class OutputStream {
  constructor(private readonly lines: OutputLines) {}

  checkWrite(): bigint {
    return writeBudget;
  }
  write(contents: Uint8Array): void {
    this.lines.write(contents);
  }
  blockingWriteAndFlush(contents: Uint8Array): void {
    this.lines.write(contents);
  }
  flush(): void {}
  blockingFlush(): void {}
  subscribe(): Pollable {
    return alwaysReady();
  }
  writeZeroes(length: bigint): void {
    // Writing past check-write's budget is a guest bug the spec says traps.
    if (length > writeBudget) throw new RangeError(`wasi:io/streams: write-zeroes of ${length} bytes exceeds check-write (${writeBudget})`);
    this.lines.write(new Uint8Array(Number(length)));
  }
  blockingWriteZeroesAndFlush(length: bigint): void {
    this.writeZeroes(length);
  }
  splice(source: InputStream, length: bigint): bigint {
    const bytes = source.read(length);
    this.lines.write(bytes);
    return BigInt(bytes.length);
  }
  blockingSplice(source: InputStream, length: bigint): bigint {
    return this.splice(source, length);
  }
}

export const ioStreamsImports = { InputStream, OutputStream } as unknown as typeof Bindings;
