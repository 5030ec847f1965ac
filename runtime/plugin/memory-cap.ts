// Memory cap for a plugin's core WebAssembly modules.
//
// Owns: rewriting the memory section of a core module so that every memory
// it defines has a maximum no larger than the cap. `memory.grow` past the
// maximum then fails inside the guest (its allocator reports out-of-memory and
// traps), so the cap holds without any check per call.
// Must never: touch any section but the memory section, or accept a module
// whose initial memory is already above the cap.

import { encodeUnsigned, readUnsigned } from './leb128.ts';

const pageSize = 65536;
const memorySectionId = 5;

/** What `capMemory` changed. */
export interface MemoryCapResult {
  bytes: Uint8Array;
  /** Initial pages of each memory the module defines. */
  initialPages: number[];
  /** True when the module defines at least one memory. */
  definesMemory: boolean;
}

export class MemoryCapError extends Error {}

const fail = (message: string) => new MemoryCapError(`malformed module: ${message}`);

export function bytesToPages(bytes: number): number {
  return Math.floor(bytes / pageSize);
}

/** Rewrites the module so each defined memory has `maximum <= maxPages`. */
export function capMemory(module: Uint8Array, maxPages: number): MemoryCapResult {
  if (module.length < 8 || module[0] !== 0x00 || module[1] !== 0x61 || module[2] !== 0x73 || module[3] !== 0x6d) {
    throw new MemoryCapError('not a core WebAssembly module');
  }
  let position = 8;
  while (position < module.length) {
    const sectionStart = position;
    const id = module[position++]!;
    const size = readUnsigned(module, position, fail);
    position = size.next;
    const payloadStart = position;
    const payloadEnd = payloadStart + size.value;
    if (id === memorySectionId) {
      const rewritten = rewriteMemorySection(module.subarray(payloadStart, payloadEnd), maxPages);
      const header = [memorySectionId, ...encodeUnsigned(rewritten.payload.length)];
      const out = new Uint8Array(sectionStart + header.length + rewritten.payload.length + (module.length - payloadEnd));
      out.set(module.subarray(0, sectionStart), 0);
      out.set(header, sectionStart);
      out.set(rewritten.payload, sectionStart + header.length);
      out.set(module.subarray(payloadEnd), sectionStart + header.length + rewritten.payload.length);
      return { bytes: out, initialPages: rewritten.initialPages, definesMemory: rewritten.initialPages.length > 0 };
    }
    position = payloadEnd;
  }
  return { bytes: module, initialPages: [], definesMemory: false };
}

function rewriteMemorySection(payload: Uint8Array, maxPages: number): { payload: Uint8Array; initialPages: number[] } {
  const count = readUnsigned(payload, 0, fail);
  let position = count.next;
  const out: number[] = [...encodeUnsigned(count.value)];
  const initialPages: number[] = [];
  for (let index = 0; index < count.value; index++) {
    const flags = payload[position++]!;
    if (flags & 0x04) throw new MemoryCapError('64-bit memories are not supported');
    const minimum = readUnsigned(payload, position, fail);
    position = minimum.next;
    let maximum = Number.POSITIVE_INFINITY;
    if (flags & 0x01) {
      const declared = readUnsigned(payload, position, fail);
      position = declared.next;
      maximum = declared.value;
    }
    if (minimum.value > maxPages) {
      throw new MemoryCapError(
        `the module needs ${formatMiB(minimum.value * pageSize)} of memory at start, above the cap of ${formatMiB(maxPages * pageSize)}`,
      );
    }
    initialPages.push(minimum.value);
    out.push(flags | 0x01, ...encodeUnsigned(minimum.value), ...encodeUnsigned(Math.min(maximum, maxPages)));
  }
  if (position !== payload.length) throw new MemoryCapError('malformed memory section');
  return { payload: Uint8Array.from(out), initialPages };
}


export function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
