// Timestamp extractors: which time a record has inside the topology (Kafka
// Streams' TimestampExtractor implementations).
//
// Owns: the built-in extractors and their names (short, and Kafka Streams'
// class names for `default.timestamp.extractor`):
//   fail-on-invalid (default)        record time; a negative one fails the task
//   log-and-skip-on-invalid          record time; a record with a negative one is skipped (logged, counted)
//   use-partition-time-on-invalid    record time; a negative one becomes the partition's time so far
//   wall-clock                       the wall clock when the record is processed
// Must never: let a negative timestamp into the topology.

import { InvalidTimestampError } from '../errors.ts';

export type TimestampExtractorName = 'fail-on-invalid' | 'log-and-skip-on-invalid' | 'use-partition-time-on-invalid' | 'wall-clock';

export const timestampExtractorNames: readonly TimestampExtractorName[] = ['fail-on-invalid', 'log-and-skip-on-invalid', 'use-partition-time-on-invalid', 'wall-clock'];

const classNames: Record<string, TimestampExtractorName> = {
  FailOnInvalidTimestamp: 'fail-on-invalid',
  LogAndSkipOnInvalidTimestamp: 'log-and-skip-on-invalid',
  UsePartitionTimeOnInvalidTimestamp: 'use-partition-time-on-invalid',
  WallclockTimestampExtractor: 'wall-clock',
};

/** The extractor named `name` (short or Kafka Streams class name); undefined if none. */
export function timestampExtractorByName(name: string): TimestampExtractorName | undefined {
  const trimmed = name.trim();
  if ((timestampExtractorNames as readonly string[]).includes(trimmed)) return trimmed as TimestampExtractorName;
  const match = /^(?:org\.apache\.kafka\.streams\.processor\.)?(\w+)$/.exec(trimmed);
  return match ? classNames[match[1]!] : undefined;
}

/** What extraction decided: a timestamp, or skip the record (with why). */
export type Extracted = { timestamp: number } | { skip: string };

/**
 * Extracts the time of a record whose own timestamp is `recordTimestamp`.
 * `partitionTime` is the largest time extracted from its partition so far
 * (-1 before any); `wallClock` the current wall-clock time. Throws
 * InvalidTimestampError for `fail-on-invalid` (and for partition time when
 * the partition has none yet).
 */
export function extractTimestamp(extractor: TimestampExtractorName, recordTimestamp: number, partitionTime: number, wallClock: () => number): Extracted {
  if (extractor === 'wall-clock') return { timestamp: wallClock() };
  if (recordTimestamp >= 0) return { timestamp: recordTimestamp };
  switch (extractor) {
    case 'log-and-skip-on-invalid':
      return { skip: `invalid (negative) timestamp ${recordTimestamp}: skipped (log-and-skip-on-invalid)` };
    case 'use-partition-time-on-invalid':
      if (partitionTime < 0) {
        throw new InvalidTimestampError(`invalid (negative) timestamp ${recordTimestamp}, and the partition has no time yet to use instead (use-partition-time-on-invalid)`);
      }
      return { timestamp: partitionTime };
    default:
      throw new InvalidTimestampError(
        `invalid (negative) timestamp ${recordTimestamp}: the record was probably written by an old producer; ` +
          'set default.timestamp.extractor (or the source\'s timestamp.extractor) to log-and-skip-on-invalid, use-partition-time-on-invalid or wall-clock to accept such records',
      );
  }
}
