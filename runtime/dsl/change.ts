// A table's update as it travels between DSL operators: the new value (the
// record's value) and, when a downstream operator asked for it, the old one
// (Kafka Streams' Change<V> and enableSendingOldValues), plus the bytes a
// table update is written as to a repartition topic (ChangedSerializer).
//
// Owns: where the old value rides (an extra field of the forwarded record,
// which sinks and plugins ignore), which table operators must send old
// values (a flag per table, raised by table groupBy, left/outer table joins,
// and carried up to its parents), and the repartition encoding:
//   old only:  old ‖ 0x00      new only:  new ‖ 0x01
//   both:      varint(len(new)) ‖ new ‖ old ‖ 0x02   (zigzag varint, Kafka's ByteUtils.writeVarint)
// Must never: change what a sink writes (only the record's value is written).

import type { StreamRecord } from '../record.ts';

export interface ChangeRecord extends StreamRecord {
  /** The value before this update (undefined: null, or not sent). */
  oldValue?: Uint8Array;
}

export function oldValueOf(record: StreamRecord): Uint8Array | undefined {
  return (record as ChangeRecord).oldValue;
}

export function withChange(record: StreamRecord, value: Uint8Array | undefined, oldValue: Uint8Array | undefined, timestamp = record.timestamp): ChangeRecord {
  return { key: record.key, value, timestamp, headers: record.headers, oldValue };
}

/** Whether a table's operator forwards old values; raising it raises its parents'. */
export class TableFlags {
  sendOldValues = false;

  constructor(private readonly parents: readonly TableFlags[] = []) {}

  enableSendingOldValues(): void {
    this.sendOldValues = true;
    for (const parent of this.parents) parent.enableSendingOldValues();
  }
}

export function encodeChange(newValue: Uint8Array | undefined, oldValue: Uint8Array | undefined): Uint8Array | undefined {
  if (newValue === undefined && oldValue === undefined) return undefined;
  if (newValue === undefined) return concat([oldValue!, Uint8Array.of(0)]);
  if (oldValue === undefined) return concat([newValue, Uint8Array.of(1)]);
  return concat([varint(newValue.length), newValue, oldValue, Uint8Array.of(2)]);
}

export function decodeChange(bytes: Uint8Array | undefined): { newValue: Uint8Array | undefined; oldValue: Uint8Array | undefined } {
  if (bytes === undefined || bytes.length === 0) return { newValue: undefined, oldValue: undefined };
  const flag = bytes[bytes.length - 1];
  const payload = bytes.subarray(0, bytes.length - 1);
  if (flag === 0) return { newValue: undefined, oldValue: payload };
  if (flag === 1) return { newValue: payload, oldValue: undefined };
  if (flag !== 2) throw new Error(`not a table update: its last byte is ${flag}, expected 0, 1 or 2`);
  let raw = 0;
  let shift = 0;
  let at = 0;
  for (;;) {
    const byte = payload[at++]!;
    raw |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
  }
  const length = (raw >>> 1) ^ -(raw & 1);
  return { newValue: payload.subarray(at, at + length), oldValue: payload.subarray(at + length) };
}

function varint(value: number): Uint8Array {
  const out: number[] = [];
  let rest = ((value << 1) ^ (value >> 31)) >>> 0;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  out.push(rest);
  return Uint8Array.from(out);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
