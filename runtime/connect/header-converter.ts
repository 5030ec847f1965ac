// Kafka Connect's SimpleHeaderConverter (the default `header.converter`):
// a header value written as `Values.convertToString` prints it, in UTF-8,
// and read back with `Values.parseString`.
//
// Owns: Connect headers ⇄ Kafka record headers.
// Must never: drop or reorder a header.

import type { Header } from '../record.ts';
import { primitiveSchema, type ConnectHeader } from './connect-data.ts';
import { convertToString, parseString } from './connect-values.ts';

export class SimpleHeaderConverter {
  /** Connect headers → Kafka headers (a null value: a header without bytes is not possible, so an empty value). */
  fromConnectHeaders(headers: readonly ConnectHeader[]): Header[] {
    return headers.map((header) => {
      const text = convertToString({ schema: header.schema, value: header.value });
      return { key: header.key, value: text === undefined ? new Uint8Array(0) : new Uint8Array(Buffer.from(text, 'utf8')) };
    });
  }

  /** Kafka headers → Connect headers. */
  toConnectHeaders(headers: readonly Header[]): ConnectHeader[] {
    return headers.map((header) => {
      const text = Buffer.from(header.value.buffer, header.value.byteOffset, header.value.byteLength).toString('utf8');
      if (text === '') return { key: header.key, schema: primitiveSchema('string'), value: { type: 'string', value: '' } };
      const parsed = parseString(text);
      return { key: header.key, schema: parsed.schema, value: parsed.value };
    });
  }
}
