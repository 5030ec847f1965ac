// Kafka Connect's header converters: SimpleHeaderConverter (the default
// `header.converter`: a header value written as `Values.convertToString`
// prints it, in UTF-8, and read back with `Values.parseString`), and a
// converter used as one (JsonConverter, StringConverter and
// ByteArrayConverter are HeaderConverters in Kafka: each header's value
// converted as a record's value is).
//
// Owns: Connect headers ⇄ Kafka record headers.
// Must never: drop or reorder a header.

import { nullHeaderValue, type Header } from '../record.ts';
import { primitiveSchema, type ConnectHeader } from './connect-data.ts';
import { convertToString, parseString } from './connect-values.ts';
// A type only (erased): converter.ts creates header converters from this module.
import type { Converter } from './converter.ts';

/** Kafka's HeaderConverter, for a record's headers at once. */
export interface HeaderConverter {
  fromConnectHeaders(headers: readonly ConnectHeader[]): Header[];
  toConnectHeaders(headers: readonly Header[]): ConnectHeader[];
}

/** A converter as a header converter (Kafka's JsonConverter, StringConverter, ByteArrayConverter fromConnectHeader/toConnectHeader). */
export class ConverterHeaderConverter implements HeaderConverter {
  constructor(private readonly converter: Converter) {}

  /** A value the converter turns into no bytes is a null header value, as Kafka writes it. */
  fromConnectHeaders(headers: readonly ConnectHeader[]): Header[] {
    return headers.map((header) => ({ key: header.key, value: this.converter.fromConnectData('', { schema: header.schema, value: header.value }) ?? nullHeaderValue }));
  }

  toConnectHeaders(headers: readonly Header[]): ConnectHeader[] {
    return headers.map((header) => {
      const data = this.converter.toConnectData('', header.value.length === 0 ? undefined : header.value);
      return { key: header.key, schema: data.schema, value: data.value };
    });
  }
}

export class SimpleHeaderConverter implements HeaderConverter {
  /** Connect headers → Kafka headers (a null value: a null header value, as Kafka's). */
  fromConnectHeaders(headers: readonly ConnectHeader[]): Header[] {
    return headers.map((header) => {
      const text = convertToString({ schema: header.schema, value: header.value });
      return { key: header.key, value: text === undefined ? nullHeaderValue : new Uint8Array(Buffer.from(text, 'utf8')) };
    });
  }

  /** Kafka headers → Connect headers (a null value: no schema, null, as Kafka's NULL_SCHEMA_AND_VALUE). */
  toConnectHeaders(headers: readonly Header[]): ConnectHeader[] {
    return headers.map((header) => {
      if (header.value === nullHeaderValue) return { key: header.key, schema: undefined, value: null };
      const text = Buffer.from(header.value.buffer, header.value.byteOffset, header.value.byteLength).toString('utf8');
      if (text === '') return { key: header.key, schema: primitiveSchema('string'), value: { type: 'string', value: '' } };
      const parsed = parseString(text);
      return { key: header.key, schema: parsed.schema, value: parsed.value };
    });
  }
}
