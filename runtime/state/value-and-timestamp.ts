// A value with the timestamp of its last update, as Kafka Streams' timestamped
// stores keep it (ValueAndTimestampSerializer: 8-byte big-endian timestamp,
// then the raw value), so changelogs carry the same bytes.
//
// Owns: that encoding. Must never: interpret the value.

export interface ValueAndTimestamp {
  value: Uint8Array;
  timestamp: number;
}

export function encodeValueAndTimestamp(value: Uint8Array, timestamp: number): Uint8Array {
  const bytes = new Uint8Array(8 + value.length);
  new DataView(bytes.buffer).setBigInt64(0, BigInt(timestamp));
  bytes.set(value, 8);
  return bytes;
}

export function decodeValueAndTimestamp(bytes: Uint8Array | undefined): ValueAndTimestamp | undefined {
  if (bytes === undefined) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { timestamp: Number(view.getBigInt64(0)), value: bytes.subarray(8) };
}
