// Byte helpers shared by the stores, the Kafka client and the CLI.
// Must never: copy — a Buffer view over the same memory is returned.

/** `bytes` as a Buffer over the same memory (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
