// Kafka Connect's `Values`: `convertToString` (how SimpleHeaderConverter
// writes a header value) and `parseString` (how it reads one back: booleans,
// the narrowest integer, floats, decimals, ISO dates and times, arrays and
// maps, or the string itself).
//
// Owns: Values' string form and its tokenizer and parser, ported from
// their behaviour (quotes kept verbatim, backslashes escaping delimiters).
// Must never: use a time zone other than UTC (Java uses the JVM's default
// here).

import {
  bigDecimalToString,
  dataEquals,
  dateName,
  decimalName,
  javaDoubleToString,
  javaFloatToString,
  primitiveSchema,
  schemaEquals,
  timeName,
  timestampName,
  type ConnectData,
  type ConnectSchema,
  type SchemaAndValue,
  type SchemaType,
} from './connect-data.ts';

const millisPerDay = 86_400_000;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** `Values.dateFormatFor(date).format(date)` in UTC. */
export function isoDateText(millis: bigint): string {
  const value = Number(millis);
  const date = new Date(value);
  const time = `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.${pad(date.getUTCMilliseconds(), 3)}Z`;
  const day = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
  if (value < millisPerDay) return time;
  if (value % millisPerDay === 0) return day;
  return `${day}T${time}`;
}

function escape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function append(value: ConnectData | null, embedded: boolean, schema: ConnectSchema | undefined): string {
  if (value === null) return 'null';
  switch (value.type) {
    case 'int8': case 'int16': case 'int32': return String(value.value);
    case 'int64': return value.value.toString();
    case 'float32': return javaFloatToString(value.value);
    case 'float64': return javaDoubleToString(value.value);
    case 'decimal': return bigDecimalToString(value.unscaled, value.scale);
    case 'boolean': return String(value.value);
    case 'string': return embedded ? `"${escape(value.value)}"` : value.value;
    case 'bytes': {
      const text = Buffer.from(value.value).toString('base64');
      return embedded ? `"${text}"` : text;
    }
    case 'array': return `[${value.value.map((item) => append(item, true, schema?.valueSchema)).join(',')}]`;
    case 'map': return `{${value.value.map(([k, v]) => `${append(k, true, schema?.keySchema)}:${append(v, true, schema?.valueSchema)}`).join(',')}}`;
    case 'struct': {
      const fields = value.schema.fields ?? [];
      return `{${fields.map((field, index) => {
        const item = value.value[index] ?? null;
        return `"${escape(field.name)}":${append(item === null && field.schema.defaultValue !== undefined ? field.schema.defaultValue : item, true, field.schema)}`;
      }).join(',')}}`;
    }
    case 'date': return isoDateText(value.value);
  }
}

/** `Values.convertToString(schema, value)`; `undefined` for null. */
export function convertToString(data: SchemaAndValue): string | undefined {
  return data.value === null ? undefined : append(data.value, false, data.schema);
}

class Parser {
  private index = 0;
  private nextToken: string | undefined;
  previousToken: string | undefined;

  constructor(readonly original: string) {}

  get position(): number {
    return this.index;
  }

  mark(): number {
    return this.index - (this.nextToken?.length ?? 0);
  }

  rewindTo(position: number): void {
    this.index = position;
    this.nextToken = undefined;
    this.previousToken = undefined;
  }

  private canConsumeNextToken(): boolean {
    return this.original.length > this.index;
  }

  hasNext(): boolean {
    return this.nextToken !== undefined || this.canConsumeNextToken();
  }

  private consumeNextToken(): string {
    let escaped = false;
    const start = this.index;
    while (this.canConsumeNextToken()) {
      const c = this.original[this.index]!;
      if (c === '\\') {
        escaped = !escaped;
      } else if (':,{}[]"'.includes(c)) {
        if (!escaped) {
          if (start < this.index) return this.original.slice(start, this.index);
          this.index++;
          return c;
        }
        escaped = false;
      } else {
        escaped = false;
      }
      this.index++;
    }
    return this.original.slice(start, this.index);
  }

  next(): string {
    const token = this.nextToken ?? this.consumeNextToken();
    this.nextToken = undefined;
    this.previousToken = token;
    return token;
  }

  nextN(n: number): string | undefined {
    const start = this.mark();
    for (let i = 0; i < n; i++) {
      if (!this.hasNext()) {
        this.rewindTo(start);
        return undefined;
      }
      this.next();
    }
    return this.original.slice(start, this.position);
  }

  canConsume(expected: string): boolean {
    if (this.nextToken === undefined) {
      if (!this.hasNext()) return false;
      this.nextToken = this.consumeNextToken();
    }
    while (isBlank(this.nextToken) && this.canConsumeNextToken()) this.nextToken = this.consumeNextToken();
    if (javaTrim(this.nextToken) === expected) {
      this.nextToken = undefined;
      return true;
    }
    return false;
  }
}

const javaTrim = (text: string) => text.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
const isBlank = (text: string) => javaTrim(text) === '';

class ParseFailure extends Error {}

const numericRank: Partial<Record<SchemaType, number>> = { int8: 0, int16: 1, int32: 2, int64: 3, float32: 4, float64: 5 };

function mergeSchemas(previous: ConnectSchema, next: ConnectSchema): ConnectSchema | undefined {
  if (previous.type !== next.type) {
    const a = numericRank[previous.type];
    const b = numericRank[next.type];
    if (a === undefined || b === undefined) return undefined;
    return b > a ? next : previous;
  }
  if (previous.optional === next.optional) return previous.optional ? previous : next;
  return schemaEquals(previous, next) ? previous : undefined;
}

class SchemaMerger {
  common: ConnectSchema | undefined;
  private incompatible = false;

  merge(latest: SchemaAndValue | undefined): void {
    if (latest?.schema === undefined || this.incompatible) return;
    if (this.common === undefined) {
      this.common = latest.schema;
      return;
    }
    this.common = mergeSchemas(this.common, latest.schema);
    this.incompatible = this.common === undefined;
  }
}

function decimalOfToken(token: string): { unscaled: bigint; scale: number } | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(token);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  return { unscaled: BigInt(`${sign === '-' ? '-' : ''}${whole}${fraction}` || '0'), scale: fraction.length - Number(exponent) };
}

function parseAsNumber(token: string): SchemaAndValue | undefined {
  const decimal = decimalOfToken(token);
  if (decimal === undefined) return undefined;
  const { unscaled, scale } = decimal;
  // Whole and within a long: the narrowest integer.
  let integral: bigint | undefined;
  if (scale <= 0) integral = unscaled * 10n ** BigInt(-scale);
  else if (unscaled % 10n ** BigInt(scale) === 0n) integral = unscaled / 10n ** BigInt(scale);
  if (integral !== undefined && integral >= -(2n ** 63n) && integral < 2n ** 63n) {
    const value = Number(integral);
    if (integral >= -128n && integral <= 127n) return { schema: primitiveSchema('int8'), value: { type: 'int8', value } };
    if (integral >= -32768n && integral <= 32767n) return { schema: primitiveSchema('int16'), value: { type: 'int16', value } };
    if (integral >= -2147483648n && integral <= 2147483647n) return { schema: primitiveSchema('int32'), value: { type: 'int32', value } };
    return { schema: primitiveSchema('int64'), value: { type: 'int64', value: integral } };
  }
  const text = `${unscaled}e${-scale}`;
  const double = Number(text);
  const float = Math.fround(double);
  if (Number.isFinite(float) && scale !== 0) return { schema: primitiveSchema('float32'), value: { type: 'float32', value: float } };
  if (Number.isFinite(double) && scale !== 0) return { schema: primitiveSchema('float64'), value: { type: 'float64', value: double } };
  return { schema: { type: 'bytes', optional: false, name: decimalName, version: 1, parameters: [['scale', String(scale)]] }, value: { type: 'decimal', unscaled, scale } };
}

function parseAsTemporal(raw: string): SchemaAndValue | undefined {
  const token = raw.replace(/\\:/g, ':');
  const time = /^(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;
  const date = /^(\d{4})-(\d{2})-(\d{2})$/;
  const stamp = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z/;
  const logical = (name: string, type: SchemaType, millis: number): SchemaAndValue => ({ schema: { type, optional: false, name, version: 1 }, value: { type: 'date', value: BigInt(millis) } });
  const n = (text: string | undefined) => Number(text);
  let match: RegExpExecArray | null;
  if (token.length === 13 && (match = time.exec(token))) return logical(timeName, 'int32', ((n(match[1]) * 60 + n(match[2])) * 60 + n(match[3])) * 1000 + n(match[4]));
  if (token.length === 24 && (match = stamp.exec(token))) return logical(timestampName, 'int64', Date.UTC(n(match[1]), n(match[2]) - 1, n(match[3]), n(match[4]), n(match[5]), n(match[6]), n(match[7])));
  if (token.length === 10 && (match = date.exec(token))) return logical(dateName, 'int32', Date.UTC(n(match[1]), n(match[2]) - 1, n(match[3])));
  return undefined;
}

/** `Values.convertTo(schema, null, value)` for the primitive schemas the parser aligns to. */
function align(schema: ConnectSchema, value: ConnectData | null): ConnectData | null {
  if (value === null) {
    if (schema.optional) return null;
    throw new ParseFailure('Unable to convert a null value to a schema that requires a value');
  }
  if (value.type === schema.type || schema.name !== undefined) return value;
  const number = value.type === 'int64' ? Number(value.value) : value.type === 'decimal' ? Number(`${value.unscaled}e${-value.scale}`) : 'value' in value && typeof value.value === 'number' ? value.value : undefined;
  if (number === undefined) return value;
  const long = value.type === 'int64' ? value.value : BigInt(Math.trunc(number));
  switch (schema.type) {
    case 'int8': return { type: 'int8', value: Number(BigInt.asIntN(8, long)) };
    case 'int16': return { type: 'int16', value: Number(BigInt.asIntN(16, long)) };
    case 'int32': return { type: 'int32', value: Number(BigInt.asIntN(32, long)) };
    case 'int64': return { type: 'int64', value: BigInt.asIntN(64, long) };
    case 'float32': return { type: 'float32', value: Math.fround(number) };
    case 'float64': return { type: 'float64', value: number };
    default: return value;
  }
}

class ValueParser {
  constructor(private readonly parser: Parser) {}

  private canParseSingleTokenLiteral(embedded: boolean, literal: string): boolean {
    const start = this.parser.mark();
    if (this.parser.canConsume(literal) && (embedded || !this.parser.hasNext())) return true;
    this.parser.rewindTo(start);
    return false;
  }

  parse(embedded: boolean): SchemaAndValue | undefined {
    if (!this.parser.hasNext()) return undefined;
    if (embedded && this.parser.canConsume('"')) return this.parseQuotedString();
    if (this.canParseSingleTokenLiteral(embedded, 'null')) return undefined;
    if (this.canParseSingleTokenLiteral(embedded, 'true')) return { schema: primitiveSchema('boolean'), value: { type: 'boolean', value: true } };
    if (this.canParseSingleTokenLiteral(embedded, 'false')) return { schema: primitiveSchema('boolean'), value: { type: 'boolean', value: false } };
    const start = this.parser.mark();
    try {
      if (this.parser.canConsume('[')) return this.parseArray();
      if (this.parser.canConsume('{')) return this.parseMap();
    } catch (error) {
      if (!(error instanceof ParseFailure)) throw error;
      this.parser.rewindTo(start);
    }
    const token = this.parser.next();
    if (isBlank(token)) return { schema: primitiveSchema('string'), value: { type: 'string', value: token } };
    return this.parseNextToken(embedded, javaTrim(token));
  }

  private parseNextToken(embedded: boolean, token: string): SchemaAndValue {
    const first = token[0] ?? ' ';
    const digit = first >= '0' && first <= '9';
    if (digit) {
      const temporal = this.parseMultipleTokensAsTemporal(token);
      if (temporal) return temporal;
    }
    if (digit || first === '+' || first === '-') {
      const number = parseAsNumber(token);
      if (number) return number;
    }
    if (embedded) throw new ParseFailure('Failed to parse embedded value');
    return { schema: primitiveSchema('string'), value: { type: 'string', value: this.parser.original } };
  }

  private parseQuotedString(): SchemaAndValue {
    let content = '';
    while (this.parser.hasNext()) {
      if (this.parser.canConsume('"')) break;
      content += this.parser.next();
    }
    return parseAsTemporal(content) ?? { schema: primitiveSchema('string'), value: { type: 'string', value: content } };
  }

  private parseArray(): SchemaAndValue {
    const result: Array<ConnectData | null> = [];
    const elements = new SchemaMerger();
    while (this.parser.hasNext()) {
      if (this.parser.canConsume(']')) {
        const common = elements.common;
        if (common === undefined) return { schema: { type: 'array', optional: false }, value: { type: 'array', value: result } };
        return { schema: { type: 'array', optional: false, valueSchema: common }, value: { type: 'array', value: result.map((item) => align(common, item)) } };
      }
      if (this.parser.canConsume(',')) throw new ParseFailure(`Unable to parse an empty array element: ${this.parser.original}`);
      const element = this.parse(true);
      elements.merge(element);
      result.push(element?.value ?? null);
      const current = this.parser.mark();
      if (this.parser.canConsume(']')) this.parser.rewindTo(current);
      else if (!this.parser.canConsume(',')) throw new ParseFailure("Array elements missing ',' delimiter");
    }
    throw new ParseFailure(`Array is missing terminating ']': ${this.parser.original}`);
  }

  private parseMap(): SchemaAndValue {
    const result: Array<[ConnectData | null, ConnectData | null]> = [];
    const keys = new SchemaMerger();
    const values = new SchemaMerger();
    const put = (entries: Array<[ConnectData | null, ConnectData | null]>, key: ConnectData | null, value: ConnectData | null) => {
      const existing = entries.find(([k]) => dataEquals(k, key));
      if (existing) existing[1] = value;
      else entries.push([key, value]);
    };
    while (this.parser.hasNext()) {
      if (this.parser.canConsume('}')) {
        const keySchema = keys.common;
        const valueSchema = values.common;
        if (keySchema !== undefined && valueSchema !== undefined) {
          const aligned: Array<[ConnectData | null, ConnectData | null]> = [];
          for (const [k, v] of result) put(aligned, align(keySchema, k), align(valueSchema, v));
          return { schema: { type: 'map', optional: false, keySchema, valueSchema }, value: { type: 'map', value: aligned } };
        }
        if (keySchema !== undefined) {
          const aligned: Array<[ConnectData | null, ConnectData | null]> = [];
          for (const [k, v] of result) put(aligned, align(keySchema, k), v);
          return { schema: { type: 'map', optional: false, keySchema }, value: { type: 'map', value: aligned } };
        }
        return { schema: { type: 'map', optional: false }, value: { type: 'map', value: result } };
      }
      if (this.parser.canConsume(',')) throw new ParseFailure(`Unable to parse a map entry with no key or value: ${this.parser.original}`);
      const key = this.parse(true);
      if (key === undefined || key.value === null) throw new ParseFailure(`Map entry may not have a null key: ${this.parser.original}`);
      if (!this.parser.canConsume(':')) throw new ParseFailure(`Map entry is missing ':' at ${this.parser.position} in ${this.parser.original}`);
      const value = this.parse(true);
      put(result, key.value, value?.value ?? null);
      this.parser.canConsume(',');
      keys.merge(key);
      values.merge(value);
    }
    throw new ParseFailure(`Map is missing terminating '}': ${this.parser.original}`);
  }

  private parseMultipleTokensAsTemporal(token: string): SchemaAndValue | undefined {
    const position = this.parser.mark();
    const remainder = this.parser.nextN(4);
    if (remainder !== undefined) {
      const temporal = parseAsTemporal(token + remainder);
      if (temporal) return temporal;
    }
    this.parser.rewindTo(position);
    return parseAsTemporal(token);
  }
}

/** `Values.parseString(text)`. */
export function parseString(text: string): SchemaAndValue {
  if (text === '') return { schema: primitiveSchema('string'), value: { type: 'string', value: '' } };
  try {
    return new ValueParser(new Parser(text)).parse(false) ?? { schema: undefined, value: null };
  } catch (error) {
    if (!(error instanceof ParseFailure)) throw error;
    return { schema: primitiveSchema('string'), value: { type: 'string', value: text } };
  }
}
