// Source offsets of a standalone worker in a local file
// (`offset.storage.file.filename`, Kafka's FileOffsetBackingStore).
//
// Owns: the offsets of every connector's source partitions, keyed as Kafka
// Connect keys them (`["<connector>",{<source partition>}]`), read at start
// and written whole — to a temporary file, synced, then renamed over the old
// one — so a crash leaves either the old offsets or the new ones.
// Must never: store an offset whose records Kafka has not acknowledged (the
// source task decides what to hand over), or write a partial file.
//
// The file is JSON, not the Java serialization Kafka writes: a file Kafka
// wrote is recognised and refused with a message, never misread.

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConnectConfigError, messageOf } from '../errors.ts';
import type { OutgoingRecord } from '../kafka/ports.ts';

export type StringMap = Array<[string, string]>;

/**
 * A source partition or offset as the JSON Kafka Connect writes: the
 * connector contract carries text, and a value that is a whole number (in
 * its canonical form, within 2^53) is written as a JSON number — Kafka's
 * FileStreamSource stores its position as a long, and the offsets topic is
 * keyed by these exact bytes — anything else as a JSON string.
 */
export function connectJson(map: StringMap): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [name, value] of map) out[name] = wholeNumber.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : value;
  return out;
}
const wholeNumber = /^-?(0|[1-9][0-9]*)$/;

/** JSON values as the contract's text (numbers in their JSON form; read from Kafka's topics or from REST bodies). */
export function textMap(object: Record<string, unknown>): StringMap {
  return Object.entries(object).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]);
}

export interface StoredOffset {
  sourcePartition: StringMap;
  sourceOffset: StringMap;
}

interface FileFormat {
  format: 'eddy-connect-offsets';
  version: 1;
  /** Kafka's key JSON (`["name",{partition}]`) → the offset map. */
  offsets: Array<{ key: string; offset: Record<string, string | number> }>;
}

/** Where a worker keeps its source offsets: a local file (standalone) or the offsets topic (distributed). */
export interface SourceOffsetStore {
  /** What the store is, for messages ("the offsets file /x", "the offsets topic t"). */
  readonly description: string;
  /** Every stored offset of `connector`. */
  offsetsOf(connector: string): StoredOffset[];
  /** Records an acknowledged offset (kept until `flush`). */
  set(connector: string, partition: StringMap, offset: StringMap): void;
  /** Forgets the offset of one source partition (kept until `flush`). */
  delete(connector: string, partition: StringMap): void;
  /** Stores what changed since the last flush. */
  flush(): void | Promise<void>;
}

/**
 * An offsets store a task's transaction can write to (the offsets topic of a
 * distributed worker): the offsets go to Kafka as records of the task's own
 * transaction, and become this worker's stored offsets once it commits.
 */
export interface TransactionalOffsetStore extends SourceOffsetStore {
  /** The records that store these offsets, to send in the task's transaction. */
  offsetRecords(connector: string, offsets: StoredOffset[]): OutgoingRecord[];
  /** The transaction that carried these offsets committed. */
  committed(connector: string, offsets: StoredOffset[]): void;
  /** Resolves once every offset committed before the call has been read. */
  readToEnd(): Promise<void>;
}

export class FileOffsetStore implements SourceOffsetStore {
  private readonly offsets = new Map<string, { connector: string; partition: StringMap; offset: StringMap }>();
  private dirty = false;

  private constructor(readonly file: string) {}

  get description(): string {
    return `the offsets file ${this.file}`;
  }

  static open(file: string): FileOffsetStore {
    const store = new FileOffsetStore(file);
    if (!existsSync(file)) return store;
    const bytes = readFileSync(file);
    if (bytes.length === 0) return store;
    if (bytes[0] === 0xac && bytes[1] === 0xed) {
      throw new ConnectConfigError('offsets-file-foreign', `the offsets file was written by Kafka Connect (Java serialization), which Eddy does not read: point offset.storage.file.filename at another file`, { file, field: 'offset.storage.file.filename' });
    }
    let document: FileFormat;
    try {
      document = JSON.parse(bytes.toString('utf8')) as FileFormat;
    } catch (error) {
      throw new ConnectConfigError('offsets-file-invalid', `the offsets file is not valid: ${messageOf(error)}`, { file, field: 'offset.storage.file.filename' }, { cause: error });
    }
    if (document.format !== 'eddy-connect-offsets' || !Array.isArray(document.offsets)) {
      throw new ConnectConfigError('offsets-file-invalid', 'the offsets file is not an Eddy Connect offsets file', { file, field: 'offset.storage.file.filename' });
    }
    for (const entry of document.offsets) {
      const [connector, partition] = JSON.parse(entry.key) as [string, Record<string, unknown>];
      const sourcePartition = textMap(partition);
      store.offsets.set(offsetKey(connector, sourcePartition), { connector, partition: sourcePartition, offset: textMap(entry.offset) });
    }
    return store;
  }

  /** Every stored offset of `connector`. */
  offsetsOf(connector: string): StoredOffset[] {
    return [...this.offsets.values()].filter((entry) => entry.connector === connector).map((entry) => ({ sourcePartition: entry.partition, sourceOffset: entry.offset }));
  }

  /** Records an acknowledged offset (kept in memory until `flush`). */
  set(connector: string, partition: StringMap, offset: StringMap): void {
    const key = offsetKey(connector, partition);
    this.offsets.set(key, { connector, partition, offset });
    this.dirty = true;
  }

  /** Forgets the offset of one source partition (kept in memory until `flush`). */
  delete(connector: string, partition: StringMap): void {
    if (this.offsets.delete(offsetKey(connector, partition))) this.dirty = true;
  }

  /** Writes the offsets if any changed since the last flush. */
  flush(): void {
    if (!this.dirty) return;
    const document: FileFormat = {
      format: 'eddy-connect-offsets',
      version: 1,
      offsets: [...this.offsets].map(([key, entry]) => ({ key, offset: connectJson(entry.offset) })),
    };
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.tmp`;
    const descriptor = openSync(temporary, 'w');
    try {
      writeSync(descriptor, `${JSON.stringify(document, null, 1)}\n`);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, this.file);
    this.dirty = false;
  }
}

/** The last key made (a copy of its partition): a source task's records mostly share one source partition. */
let lastKey: { connector: string; partition: StringMap; key: string } | undefined;

/** Kafka Connect's offset key: the connector name and the source partition, as JSON. */
export function offsetKey(connector: string, partition: StringMap): string {
  const last = lastKey;
  if (last !== undefined && last.connector === connector && sameEntries(last.partition, partition)) return last.key;
  const key = JSON.stringify([connector, connectJson(partition)]);
  lastKey = { connector, partition: partition.map(([name, value]) => [name, value]), key };
  return key;
}

function sameEntries(a: StringMap, b: StringMap): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return false;
  }
  return true;
}
