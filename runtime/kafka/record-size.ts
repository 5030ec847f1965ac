// The size Kafka's Java producer gives a record before it sends it, and the
// check it makes with it (KafkaProducer.ensureValidRecordSize): a record
// larger than max.request.size is refused on its own, before it is sent, so
// the records around it are not refused with it.
//
// Owns: the upper bound of a record's size in a v2 record batch (Java's
// AbstractRecords.estimateSizeInBytesUpperBound, no compression: the batch
// overhead, the most a record's own overhead can be, and its key, value and
// headers with their varint lengths), Kafka's default max.request.size, and
// the error with Java's message.
// Must never: depend on the client library (this is the wire format's
// arithmetic, the same for any client).

import { EddyError } from '../errors.ts';
import type { StreamRecord } from '../record.ts';

/** Kafka's default `max.request.size` (ProducerConfig). */
export const defaultMaxRequestSize = 1024 * 1024;

/** DefaultRecordBatch.RECORD_BATCH_OVERHEAD. */
const recordBatchOverhead = 61;
/** DefaultRecord.MAX_RECORD_OVERHEAD. */
const maxRecordOverhead = 21;

/** ByteUtils.sizeOfVarint: the bytes of a zigzag-encoded 32-bit varint. */
function sizeOfVarint(value: number): number {
  let unsigned = ((value << 1) ^ (value >> 31)) >>> 0;
  let bytes = 1;
  while (unsigned >= 0x80) {
    unsigned >>>= 7;
    bytes++;
  }
  return bytes;
}

const sizeOfField = (length: number | undefined): number => (length === undefined ? sizeOfVarint(-1) : sizeOfVarint(length) + length);

/** The size Java's producer checks a record against max.request.size with (AbstractRecords.estimateSizeInBytesUpperBound, magic v2). */
export function recordSizeUpperBound(record: Pick<StreamRecord, 'key' | 'value' | 'headers'>): number {
  let size = recordBatchOverhead + maxRecordOverhead + sizeOfField(record.key?.length) + sizeOfField(record.value?.length) + sizeOfVarint(record.headers.length);
  for (const header of record.headers) {
    size += sizeOfField(Buffer.byteLength(header.key, 'utf8')) + sizeOfField(header.value?.length);
  }
  return size;
}

/** A record too large to send (Java's RecordTooLargeException, with its message). */
export class RecordTooLargeError extends EddyError {
  constructor(readonly size: number, readonly maxRequestSize: number) {
    super(`The message is ${size} bytes when serialized which is larger than ${maxRequestSize}, which is the value of the max.request.size configuration.`);
    this.name = 'RecordTooLargeException';
  }
}
