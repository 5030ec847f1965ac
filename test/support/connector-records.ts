// Test helpers for driving connector plugins of contract 0.3.0 directly
// (`pollRecords`, `putRecords`: records in Connect's data model), checked
// against the shape the plugin takes. A 0.1.0/0.2.0 plugin's `poll` and
// `put` take its small values as they are.

import assert from 'node:assert/strict';
import type { PolledRecords, SinkRecord0_3_0, SinkRecords, SourceRecord0_3_0 } from '../../runtime/plugin/plugin-connector.ts';

/** What a 0.3.0 source task polled. */
export function polledData(records: PolledRecords): SourceRecord0_3_0[] {
  assert.equal(records.shape, 'connect-record', 'a plugin of contract 0.3.0');
  return records.records as SourceRecord0_3_0[];
}

/** A put batch for a 0.3.0 sink task. */
export function dataRecords(records: SinkRecord0_3_0[]): SinkRecords {
  return { shape: 'connect-record', records };
}
