// The record as the host carries it through a topology.
//
// Owns: the host-side shape of records, headers and record metadata, and the
// conversions to and from the shapes the WIT bindings use (s64 as bigint).
// Must never: copy key/value bytes — records pass by reference from the guest
// that produced them to the next consumer.

import type { Record as WitRecord, RecordMetadata as WitRecordMetadata } from './plugin/host/wit/interfaces/eddy-plugin-types.js';

export interface Header {
  key: string;
  /** The header's bytes; `nullHeaderValue` for a header whose value is null (Kafka allows it). */
  value: Uint8Array;
}

/**
 * The value of a header whose value is null: this one empty array (compared
 * by identity), so that a null header read from Kafka is written back as
 * null, not as an empty value — any other empty array is an empty value.
 * (A WebAssembly plugin sees it as an empty list.)
 */
export const nullHeaderValue: Uint8Array = Object.freeze(new Uint8Array(0)) as Uint8Array;

/** A record: optional key, optional value (absent = tombstone), timestamp, headers. */
export interface StreamRecord {
  key: Uint8Array | undefined;
  value: Uint8Array | undefined;
  /** Milliseconds since the epoch. */
  timestamp: number;
  headers: Header[];
}

/** A record for a sink whose topic is chosen per record (`to` with a topic-name extractor): the topic rides along. */
export interface RecordWithTopic extends StreamRecord {
  topic?: string;
}

/** Where an input record came from. */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: number;
}

export function fromWitRecord(record: WitRecord): StreamRecord {
  return { key: record.key, value: record.value, timestamp: Number(record.timestamp), headers: record.headers };
}

export function toWitRecord(record: StreamRecord): WitRecord {
  return { key: record.key, value: record.value, timestamp: BigInt(record.timestamp), headers: record.headers };
}

export function toWitMetadata(metadata: RecordMetadata): WitRecordMetadata {
  return { topic: metadata.topic, partition: metadata.partition, offset: BigInt(metadata.offset) };
}
