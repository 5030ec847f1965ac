// Kafka Connect's JsonConverter: the same bytes as Kafka's, with and without
// the schema envelope (`schemas.enable`).
//
// Owns: writing Connect data as Jackson does inside Kafka's JsonConverter —
// `{"schema":{"type":"string","optional":false},"payload":"…"}` with schemas,
// the bare payload without; no spaces; non-ASCII as UTF-8; control
// characters as `\b \t \n \f \r` or `\u00XX` with upper-case hex, emoji and
// other non-BMP characters as escaped surrogate pairs; doubles as
// Java prints them; bytes as base64 — and reading such bytes back, refusing
// an envelope-less document when schemas are enabled with Kafka's message.
// Must never: guess a schema for structured JSON (a `json` value is written
// with a null schema).

import { ConnectorError } from '../errors.ts';
import { javaDoubleToString, type ConnectValue } from './connect-data.ts';
import type { Converter } from './converter.ts';

/** Connect's schema type names in JsonConverter's envelope. */
const schemaTypes: Record<Exclude<ConnectValue['tag'], 'json'>, string> = {
  text: 'string',
  bytes: 'bytes',
  int64: 'int64',
  float64: 'double',
  boolean: 'boolean',
};

/**
 * A JSON string literal as Jackson writes it: JSON.stringify's escapes, but
 * hex digits upper-case, and characters outside the Basic Multilingual Plane
 * (emoji) as their UTF-16 surrogate pair (`\uD83D\uDE00`), not raw UTF-8.
 */
export function jacksonString(text: string): string {
  return JSON.stringify(text)
    .replace(/\\(\\|u[0-9a-f]{4})/g, (match, escape: string) => (escape === '\\' ? match : `\\u${escape.slice(1).toUpperCase()}`))
    .replace(/[\uD800-\uDFFF]/g, (surrogate) => `\\u${surrogate.charCodeAt(0).toString(16).toUpperCase()}`);
}

function payload(value: ConnectValue): string {
  switch (value.tag) {
    case 'text':
      return jacksonString(value.val);
    case 'bytes':
      return `"${Buffer.from(value.val).toString('base64')}"`;
    case 'int64':
      return value.val.toString();
    case 'float64':
      if (!Number.isFinite(value.val)) return `"${javaDoubleToString(value.val)}"`;
      return javaDoubleToString(value.val);
    case 'boolean':
      return value.val ? 'true' : 'false';
    case 'json':
      return value.val;
  }
}

const envelopeRequired =
  'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.';

export class JsonConverter implements Converter {
  constructor(readonly schemasEnable: boolean) {}

  fromConnectData(_topic: string, value: ConnectValue | undefined): Uint8Array | undefined {
    if (value === undefined) return undefined;
    if (!this.schemasEnable) return Buffer.from(payload(value), 'utf8');
    const schema = value.tag === 'json' ? 'null' : `{"type":"${schemaTypes[value.tag]}","optional":false}`;
    return Buffer.from(`{"schema":${schema},"payload":${payload(value)}}`, 'utf8');
  }

  toConnectData(topic: string, bytes: Uint8Array | undefined): ConnectValue | undefined {
    if (bytes === undefined) return undefined;
    let document: unknown;
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new ConnectorError(`Converting byte[] to Kafka Connect data failed due to serialization error: ${(error as Error).message}`, { topic }, { cause: error });
    }
    if (!this.schemasEnable) return fromJson(document, undefined, topic, /^\s*-?\d+\s*$/.test(text) ? text.trim() : undefined);
    if (typeof document !== 'object' || document === null || Array.isArray(document) || Object.keys(document).length !== 2 || !('schema' in document) || !('payload' in document)) {
      throw new ConnectorError(envelopeRequired, { topic });
    }
    const envelope = document as { schema: unknown; payload: unknown };
    const type = typeof envelope.schema === 'object' && envelope.schema !== null ? (envelope.schema as { type?: unknown }).type : undefined;
    // Integers beyond 2^53 lose digits in JSON.parse: take them from the text.
    const integer = /"payload"\s*:\s*(-?\d+)\s*}\s*$/.exec(text)?.[1];
    return fromJson(envelope.payload, typeof type === 'string' ? type : undefined, topic, integer);
  }
}

function fromJson(value: unknown, schemaType: string | undefined, topic: string, integerText?: string): ConnectValue | undefined {
  if (value === null || value === undefined) return undefined;
  switch (schemaType) {
    case 'string':
      return { tag: 'text', val: String(value) };
    case 'bytes':
      if (typeof value !== 'string') throw new ConnectorError('Invalid bytes field', { topic });
      return { tag: 'bytes', val: new Uint8Array(Buffer.from(value, 'base64')) };
    case 'int8': case 'int16': case 'int32': case 'int64':
      return { tag: 'int64', val: integerText !== undefined ? BigInt(integerText) : BigInt(Math.trunc(Number(value))) };
    case 'float': case 'double':
      return { tag: 'float64', val: Number(value) };
    case 'boolean':
      return { tag: 'boolean', val: Boolean(value) };
  }
  // No schema (or a structured one): infer from the JSON as Kafka's schemaless path does.
  if (typeof value === 'string') return { tag: 'text', val: value };
  if (typeof value === 'boolean') return { tag: 'boolean', val: value };
  if (typeof value === 'number') {
    if (integerText !== undefined) return { tag: 'int64', val: BigInt(integerText) };
    return Number.isInteger(value) && schemaType === undefined ? { tag: 'int64', val: BigInt(value) } : { tag: 'float64', val: value };
  }
  return { tag: 'json', val: JSON.stringify(value) };
}
