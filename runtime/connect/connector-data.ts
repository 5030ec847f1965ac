// The connector worlds' small values (`connect-value`) ⇄ Connect's full
// data model: what a source task hands over becomes Connect data before the
// transforms and converters; what a sink task receives is Connect data after
// them, made small again.
//
// Owns: the schemas a connector's values get (text → STRING, bytes →
// BYTES, int64 → INT64, float64 → FLOAT64, boolean → BOOLEAN, as Kafka's
// connectors declare them; `json` text → schemaless data, objects as maps
// in their text's order), and the reverse (primitives as themselves, floats
// as Java prints them, anything structured or logical as the JSON payload
// the JsonConverter would write).
// Must never: lose a value silently (a bad `json` text is refused).

import { ConnectorError } from '../errors.ts';
import { javaFloatToString, primitiveSchema, type ConnectData, type ConnectValue, type SchemaAndValue } from './connect-data.ts';
import { JsonConverter } from './json-converter.ts';
import { parseJson, type JsonNode } from './json-text.ts';

const schemas = {
  text: primitiveSchema('string'),
  bytes: primitiveSchema('bytes'),
  int64: primitiveSchema('int64'),
  float64: primitiveSchema('float64'),
  boolean: primitiveSchema('boolean'),
};

function fromJson(node: JsonNode): ConnectData | null {
  switch (node.kind) {
    case 'missing': case 'null': return null;
    case 'boolean': return { type: 'boolean', value: node.value };
    case 'number': return node.integral ? { type: 'int64', value: BigInt.asIntN(64, BigInt(node.text)) } : { type: 'float64', value: Number(node.text) };
    case 'string': return { type: 'string', value: node.value };
    case 'array': return { type: 'array', value: node.items.map(fromJson) };
    case 'object': return { type: 'map', value: node.entries.map(([key, item]) => [{ type: 'string', value: key }, fromJson(item)] as const) };
  }
}

/** A source task's key or value as Connect data. */
export function fromConnectorValue(value: ConnectValue | undefined): SchemaAndValue {
  if (value === undefined) return { schema: undefined, value: null };
  switch (value.tag) {
    case 'text': return { schema: schemas.text, value: { type: 'string', value: value.val } };
    case 'bytes': return { schema: schemas.bytes, value: { type: 'bytes', value: value.val } };
    case 'int64': return { schema: schemas.int64, value: { type: 'int64', value: value.val } };
    case 'float64': return { schema: schemas.float64, value: { type: 'float64', value: value.val } };
    case 'boolean': return { schema: schemas.boolean, value: { type: 'boolean', value: value.val } };
    case 'json': {
      let node: JsonNode;
      try {
        node = parseJson(value.val);
      } catch (error) {
        throw new ConnectorError(`a json value is not valid JSON: ${(error as Error).message}`, {}, { cause: error });
      }
      return { schema: undefined, value: fromJson(node) };
    }
  }
}

const payloadWriter = new JsonConverter(false);

/** Connect data as a sink task receives it. */
export function toConnectorValue(data: SchemaAndValue): ConnectValue | undefined {
  const value = data.value;
  if (value === null) return undefined;
  if (data.schema?.name === undefined) {
    switch (value.type) {
      case 'string': return { tag: 'text', val: value.value };
      case 'bytes': return { tag: 'bytes', val: value.value };
      case 'int8': case 'int16': case 'int32': return { tag: 'int64', val: BigInt(value.value) };
      case 'int64': return { tag: 'int64', val: value.value };
      // A float as Java prints it, so a sink writing it prints the same digits.
      case 'float32': return { tag: 'float64', val: Number(javaFloatToString(value.value)) };
      case 'float64': return { tag: 'float64', val: value.value };
      case 'boolean': return { tag: 'boolean', val: value.value };
    }
  }
  return { tag: 'json', val: payloadWriter.payloadJson(data) };
}
