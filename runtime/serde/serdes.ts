// Serdes: values ⇄ bytes exactly as Kafka's and Kafka Streams' built-in serdes
// write them, so topics written by Eddy read the same from Java and back.
//
// Owns: the built-in serdes (string, long, integer, short, float, double,
// bytes, void, boolean, uuid, json), the windowed key serdes (Kafka Streams'
// TimeWindowedSerde: key + 8-byte window start; SessionWindowedSerde: key +
// 8-byte end + 8-byte start), and naming a serde by its short name or its
// Kafka class name (`default.key.serde`), and whether bytes are readable as
// Kafka's deserializer reads them (`unreadable`, for per-step serde checks).
// Null stays null both ways, as in Kafka.
// Must never: lose precision silently (a long beyond 2^53 is an error, not a
// rounded number) or accept bytes of the wrong size.

import { EddyError } from '../errors.ts';

/** A value that cannot be written or bytes that cannot be read by a serde. */
export class SerdeError extends EddyError {}

export interface Serde<T> {
  readonly name: string;
  /** Bytes for `value`; null for null. */
  serialize(value: T | null): Uint8Array | null;
  /** The value of `bytes`; null for null. */
  deserialize(bytes: Uint8Array | null | undefined): T | null;
}

export interface Windowed<K> {
  key: K;
  /** Window start, inclusive, in ms. */
  start: number;
  /** Window end, exclusive for time windows, inclusive for session windows, in ms. */
  end: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function fixed<T>(name: string, size: number, write: (view: DataView, value: T) => void, read: (view: DataView) => T): Serde<T> {
  return {
    name,
    serialize(value) {
      if (value === null || value === undefined) return null;
      const bytes = new Uint8Array(size);
      write(new DataView(bytes.buffer), value);
      return bytes;
    },
    deserialize(bytes) {
      if (bytes === null || bytes === undefined) return null;
      if (bytes.length !== size) throw new SerdeError(`${name}: expected ${size} bytes, got ${bytes.length}`);
      return read(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  };
}

function integerIn(name: string, value: unknown, minimum: number, maximum: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > maximum) {
    throw new SerdeError(`${name}: ${String(value)} is not an integer in [${minimum}, ${maximum}]`);
  }
  return value;
}

export const stringSerde: Serde<string> = {
  name: 'string',
  serialize: (value) => (value === null || value === undefined ? null : encoder.encode(value)),
  deserialize: (bytes) => {
    if (bytes === null || bytes === undefined) return null;
    try {
      return decoder.decode(bytes);
    } catch {
      throw new SerdeError('string: the bytes are not valid UTF-8');
    }
  },
};

/** Java's long (8 bytes, big-endian); values must be safe JS integers. */
export const longSerde = fixed<number>(
  'long',
  8,
  (view, value) => view.setBigInt64(0, BigInt(integerIn('long', value, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER))),
  (view) => {
    const value = view.getBigInt64(0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new SerdeError(`long: ${value} is beyond what a JavaScript number holds exactly`);
    }
    return Number(value);
  },
);

export const integerSerde = fixed<number>('integer', 4, (view, value) => view.setInt32(0, integerIn('integer', value, -(2 ** 31), 2 ** 31 - 1)), (view) => view.getInt32(0));
export const shortSerde = fixed<number>('short', 2, (view, value) => view.setInt16(0, integerIn('short', value, -(2 ** 15), 2 ** 15 - 1)), (view) => view.getInt16(0));
export const floatSerde = fixed<number>('float', 4, (view, value) => view.setFloat32(0, value), (view) => view.getFloat32(0));
export const doubleSerde = fixed<number>('double', 8, (view, value) => view.setFloat64(0, value), (view) => view.getFloat64(0));
export const booleanSerde = fixed<boolean>(
  'boolean',
  1,
  (view, value) => view.setUint8(0, value ? 1 : 0),
  (view) => {
    const byte = view.getUint8(0);
    if (byte > 1) throw new SerdeError(`boolean: expected 0 or 1, got ${byte}`);
    return byte === 1;
  },
);

export const bytesSerde: Serde<Uint8Array> = {
  name: 'bytes',
  serialize: (value) => value ?? null,
  deserialize: (bytes) => bytes ?? null,
};

/** Kafka's VoidSerde: only null. */
export const voidSerde: Serde<null> = {
  name: 'void',
  serialize: (value) => {
    if (value !== null && value !== undefined) throw new SerdeError('void: only null can be written');
    return null;
  },
  deserialize: (bytes) => {
    if (bytes !== null && bytes !== undefined) throw new SerdeError(`void: expected null, got ${bytes.length} bytes`);
    return null;
  },
};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Kafka's UUIDSerde: the UUID's text, UTF-8. */
export const uuidSerde: Serde<string> = {
  name: 'uuid',
  serialize: (value) => {
    if (value === null || value === undefined) return null;
    if (!uuidPattern.test(value)) throw new SerdeError(`uuid: '${value}' is not a UUID`);
    return encoder.encode(value.toLowerCase());
  },
  deserialize: (bytes) => {
    const text = stringSerde.deserialize(bytes);
    if (text !== null && !uuidPattern.test(text)) throw new SerdeError(`uuid: '${text}' is not a UUID`);
    return text;
  },
};

/** UTF-8 JSON text. */
export const jsonSerde: Serde<unknown> = {
  name: 'json',
  serialize: (value) => (value === null || value === undefined ? null : encoder.encode(JSON.stringify(value))),
  deserialize: (bytes) => {
    const text = stringSerde.deserialize(bytes);
    if (text === null) return null;
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new SerdeError(`json: not valid JSON (${(error as Error).message})`);
    }
  },
};

/**
 * Kafka Streams' TimeWindowedSerde: the inner key's bytes, then the window
 * start (8 bytes, big-endian). The end is start + `windowSizeMs` when read.
 */
export function timeWindowedSerde<K>(inner: Serde<K>, windowSizeMs: number): Serde<Windowed<K>> {
  return {
    name: `time-windowed<${inner.name}>`,
    serialize(value) {
      if (value === null || value === undefined) return null;
      const key = inner.serialize(value.key) ?? new Uint8Array(0);
      const bytes = new Uint8Array(key.length + 8);
      bytes.set(key);
      new DataView(bytes.buffer).setBigInt64(key.length, BigInt(value.start));
      return bytes;
    },
    deserialize(bytes) {
      if (bytes === null || bytes === undefined) return null;
      if (bytes.length < 8) throw new SerdeError(`time-windowed: expected at least 8 bytes, got ${bytes.length}`);
      const start = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigInt64(bytes.length - 8));
      return { key: inner.deserialize(bytes.subarray(0, bytes.length - 8)) as K, start, end: start + windowSizeMs };
    },
  };
}

/** Kafka Streams' SessionWindowedSerde: the inner key's bytes, then the window end, then its start (8 bytes each, big-endian). */
export function sessionWindowedSerde<K>(inner: Serde<K>): Serde<Windowed<K>> {
  return {
    name: `session-windowed<${inner.name}>`,
    serialize(value) {
      if (value === null || value === undefined) return null;
      const key = inner.serialize(value.key) ?? new Uint8Array(0);
      const bytes = new Uint8Array(key.length + 16);
      bytes.set(key);
      const view = new DataView(bytes.buffer);
      view.setBigInt64(key.length, BigInt(value.end));
      view.setBigInt64(key.length + 8, BigInt(value.start));
      return bytes;
    },
    deserialize(bytes) {
      if (bytes === null || bytes === undefined) return null;
      if (bytes.length < 16) throw new SerdeError(`session-windowed: expected at least 16 bytes, got ${bytes.length}`);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const end = Number(view.getBigInt64(bytes.length - 16));
      const start = Number(view.getBigInt64(bytes.length - 8));
      return { key: inner.deserialize(bytes.subarray(0, bytes.length - 16)) as K, start, end };
    },
  };
}

const builtIns: Record<string, Serde<never>> = {
  string: stringSerde,
  long: longSerde,
  integer: integerSerde,
  short: shortSerde,
  float: floatSerde,
  double: doubleSerde,
  bytes: bytesSerde,
  void: voidSerde,
  boolean: booleanSerde,
  uuid: uuidSerde,
  json: jsonSerde,
} as unknown as Record<string, Serde<never>>;

/** Kafka's class names for the built-in serdes (`default.key.serde` in a Kafka Streams config). */
const kafkaClassNames: Record<string, string> = {
  StringSerde: 'string',
  LongSerde: 'long',
  IntegerSerde: 'integer',
  ShortSerde: 'short',
  FloatSerde: 'float',
  DoubleSerde: 'double',
  BytesSerde: 'bytes',
  ByteArraySerde: 'bytes',
  ByteBufferSerde: 'bytes',
  VoidSerde: 'void',
  BooleanSerde: 'boolean',
  UUIDSerde: 'uuid',
};

export const serdeNames = Object.keys(builtIns);

/**
 * The serde named `name`: a short name (`string`, `long`, …) or Kafka's class
 * name (`org.apache.kafka.common.serialization.Serdes$StringSerde`).
 * Undefined when there is none.
 */
export function serdeByName(name: string): Serde<unknown> | undefined {
  const trimmed = name.trim();
  const direct = builtIns[trimmed.toLowerCase()];
  if (direct) return direct as Serde<unknown>;
  const match = /^(?:(?:org\.apache\.kafka\.common\.serialization\.)?Serdes[$.])?(\w+Serde)$/.exec(trimmed);
  const short = match ? kafkaClassNames[match[1]!] : undefined;
  return short ? (builtIns[short] as Serde<unknown>) : undefined;
}

/**
 * Why Kafka's deserializer for `serde` would refuse `bytes` (undefined when
 * it reads them). Unlike `deserialize`, it asks only what Kafka asks: a long
 * is any 8 bytes (a value beyond 2^53 is readable in Java, though not as an
 * exact JavaScript number). Windowed keys check their window and inner key.
 */
export function unreadable(serde: Serde<unknown>, bytes: Uint8Array | null | undefined): string | undefined {
  if (bytes === null || bytes === undefined) return undefined;
  const windowed = /^(time|session)-windowed<(.+)>$/.exec(serde.name);
  if (windowed) {
    const suffix = windowed[1] === 'time' ? 8 : 16;
    if (bytes.length < suffix) return `${serde.name}: expected at least ${suffix} bytes, got ${bytes.length}`;
    const inner = serdeByName(windowed[2]!);
    return inner ? unreadable(inner, bytes.subarray(0, bytes.length - suffix)) : undefined;
  }
  if (serde.name === 'long') return bytes.length === 8 ? undefined : `long: expected 8 bytes, got ${bytes.length}`;
  try {
    serde.deserialize(bytes);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
