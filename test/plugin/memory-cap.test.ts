// The memory cap patch: defined memories get a maximum no larger than the cap.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryCapError, capMemory } from '../../runtime/plugin/memory-cap.ts';

// (module (memory 2 1000) (export "m" (memory 0)))
const moduleWithMemory = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x05, 0x05, 0x01, 0x01, 0x02, 0xe8, 0x07,
  0x07, 0x05, 0x01, 0x01, 0x6d, 0x02, 0x00,
]);
// (module (memory 3) (export "m" (memory 0)))  — no maximum
const moduleWithoutMaximum = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x05, 0x03, 0x01, 0x00, 0x03,
  0x07, 0x05, 0x01, 0x01, 0x6d, 0x02, 0x00,
]);

function maximumOf(bytes: Uint8Array): number | undefined {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>));
  const memory = instance.exports.m as WebAssembly.Memory;
  // Grow until refused: the number of pages reached is the maximum.
  let pages = memory.buffer.byteLength / 65536;
  for (;;) {
    try {
      memory.grow(1);
      pages++;
      if (pages > 4096) return undefined;
    } catch {
      return pages;
    }
  }
}

test('a declared maximum above the cap is lowered to the cap', () => {
  const capped = capMemory(moduleWithMemory, 10);
  assert.deepEqual(capped.initialPages, [2]);
  assert.equal(maximumOf(capped.bytes), 10);
});

test('a memory without maximum gets the cap as maximum; a smaller maximum is kept', () => {
  assert.equal(maximumOf(capMemory(moduleWithoutMaximum, 7).bytes), 7);
  assert.equal(maximumOf(capMemory(moduleWithMemory, 5000).bytes), 1000);
});

test('an initial size above the cap is refused', () => {
  assert.throws(() => capMemory(moduleWithoutMaximum, 2), (error: unknown) => error instanceof MemoryCapError && /needs 0\.2 MiB of memory at start/.test(error.message));
});

test('a module without memory is returned unchanged', () => {
  const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  assert.equal(capMemory(empty, 1).bytes, empty);
});
