// WebAssembly's unsigned LEB128 numbers, as the binary format writes section
// sizes, counts and limits.
//
// Owns: reading one at a position and encoding one. Must never: accept a
// truncated or over-long number (the caller's error type says whose input).

/** Reads the unsigned LEB128 number at `start`; `fail` makes the error for bad input. */
export function readUnsigned(bytes: Uint8Array, start: number, fail: (message: string) => Error): { value: number; next: number } {
  let value = 0;
  let multiplier = 1;
  let position = start;
  for (;;) {
    if (position >= bytes.length) throw fail('truncated input');
    const byte = bytes[position++]!;
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return { value, next: position };
    multiplier *= 128;
    if (multiplier > 2 ** 63) throw fail('malformed LEB128 number');
  }
}

/** The unsigned LEB128 bytes of `value` (a whole number ≥ 0). */
export function encodeUnsigned(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest !== 0) byte |= 0x80;
    out.push(byte);
  } while (rest !== 0);
  return out;
}
