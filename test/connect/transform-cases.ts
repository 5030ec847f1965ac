// Records and transform configurations the transform tests share: the
// reference test runs each through Kafka Connect 4.4's own classes and
// through Eddy's plugin and compares, the unit tests state what comes out.
// Keys, values and header values are JsonConverter envelopes (`{"schema",
// "payload"}`), as Kafka's converter writes and reads them.
// Must never: hold an expected result (the tests state or fetch those).

export type Envelope = { schema: unknown; payload: unknown } | null;

export interface CaseRecord {
  topic: string;
  partition: number | null;
  key: Envelope;
  value: Envelope;
  timestamp: number | null;
  headers: Array<{ key: string; value: Envelope }>;
  /** Set: a sink record (Kafka's SinkRecord) with this offset; null: a source record. */
  offset: number | null;
}

export interface TransformCase {
  name: string;
  class: string;
  config: Record<string, string>;
  record: CaseRecord;
  /** Eddy's message differs from Java's (e.g. a regular expression's syntax error): compare only that both refuse. */
  messageDiffers?: boolean;
}

export const transforms = 'org.apache.kafka.connect.transforms.';

const string = { type: 'string', optional: false };
const optionalString = { type: 'string', optional: true };
const timestamp = { type: 'int64', optional: false, name: 'org.apache.kafka.connect.data.Timestamp', version: 1 };
const address = { type: 'struct', fields: [{ ...string, field: 'city' }, { type: 'int32', optional: true, field: 'zip' }], optional: true, name: 'address' };
export const personSchema = {
  type: 'struct',
  fields: [
    { ...string, field: 'name' },
    { type: 'int32', optional: true, field: 'age' },
    { type: 'boolean', optional: false, default: true, field: 'active' },
    { type: 'double', optional: true, field: 'score' },
    { type: 'bytes', optional: true, field: 'photo' },
    { ...timestamp, field: 'seen' },
    { type: 'int64', optional: true, field: 'epoch' },
    { ...optionalString, field: 'born' },
    { ...address, field: 'address' },
  ],
  optional: false,
  name: 'com.example.Person',
  version: 2,
  doc: 'a person',
};
export const person = {
  name: 'Alice',
  age: 31,
  active: null,
  score: 9.5,
  photo: 'AAEC',
  seen: 1_718_000_000_123,
  epoch: 1_718_000_000,
  born: '1993-04-05',
  address: { city: 'Zürich', zip: 8001 },
};
export const personMap = { name: 'Alice', age: 31, active: true, score: 9.5, epoch: 1_718_000_000_123, born: '1993-04-05', nested: { city: 'Zürich', zip: 8001, deeper: { x: 'y' } }, tags: ['a', 'b'] };

export function record(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return {
    topic: 'connect-test',
    partition: null,
    key: { schema: string, payload: 'alice' },
    value: { schema: personSchema, payload: person },
    timestamp: 1_718_000_000_123,
    headers: [],
    offset: null,
    ...overrides,
  };
}

export const schemaless = (payload: unknown): Envelope => ({ schema: null, payload });
/** A record whose value is a schemaless map. */
export const mapRecordFor = (payload: Record<string, unknown>): CaseRecord => record({ key: null, value: schemaless(payload) });
export const text = (value: string): Envelope => ({ schema: string, payload: value });
const mapRecord = () => record({ key: schemaless({ id: 7, region: 'eu' }), value: schemaless(personMap) });
const sinkRecord = () => record({ partition: 3, offset: 42 });
const line = () => record({ key: null, value: text('a line of text') });
const tombstone = () => record({ value: null });

function cases(className: string, list: Array<[string, Record<string, string>, CaseRecord, boolean?]>): TransformCase[] {
  return list.map(([name, config, input, messageDiffers]) => ({ name: `${className} ${name}`, class: `${transforms}${className}`, config, record: input, ...(messageDiffers ? { messageDiffers } : {}) }));
}

/** Values of every kind of schema, for JsonConverter's reading and writing (carried through InsertHeader unchanged). */
const converterValues: Array<[string, Envelope]> = [
  ['a decimal', { schema: { type: 'bytes', optional: false, name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2' } }, payload: 'AN4=' }],
  ['a negative decimal', { schema: { type: 'bytes', optional: false, name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '0' } }, payload: '/w==' }],
  ['a date', { schema: { type: 'int32', optional: false, name: 'org.apache.kafka.connect.data.Date', version: 1 }, payload: 19000 }],
  ['a time', { schema: { type: 'int32', optional: false, name: 'org.apache.kafka.connect.data.Time', version: 1 }, payload: 3_723_000 }],
  ['floats', { schema: { type: 'array', items: { type: 'float', optional: false }, optional: false }, payload: [0.1, 1e10, -2.5, 3.4e38, 1e-7] }],
  ['doubles', { schema: { type: 'array', items: { type: 'double', optional: true }, optional: false }, payload: [0.1, 1e21, null, -0.0, 123456789.125] }],
  ['a map with int keys', { schema: { type: 'map', keys: { type: 'int32', optional: false }, values: { type: 'string', optional: true }, optional: false }, payload: [[1, 'a'], [2, null]] }],
  ['a map with string keys', { schema: { type: 'map', keys: { type: 'string', optional: false }, values: { type: 'int64', optional: false }, optional: false, doc: 'counts' }, payload: { zeta: 1, alpha: 2, mid: 3 } }],
  ['a long beyond 2^31', { schema: { type: 'int64', optional: false }, payload: -4_000_000_000_123 }],
  ['empty bytes', { schema: { type: 'bytes', optional: false }, payload: '' }],
  ['a struct with defaults and parameters', {
    schema: { type: 'struct', fields: [{ type: 'string', optional: true, default: 'dflt', field: 's' }, { type: 'int16', optional: false, field: 'i' }, { type: 'int8', optional: true, field: 'b' }], optional: true, name: 'with.defaults', parameters: { b: '2', a: '1' } },
    payload: { s: null, i: -300, b: -5 },
  }],
  ['schemaless nesting', schemaless({ z: 1.5, a: [1, 2, { k: null }], m: { y: true, x: 'é' }, big: 12345678901234 })],
  ['schemaless many keys', schemaless(Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`key${index * 7}`, index])))],
];

export const referenceCases: TransformCase[] = [
  ...converterValues.map(([name, value]): TransformCase => ({
    name: `JsonConverter ${name}`,
    class: `${transforms}InsertHeader`,
    config: { header: 'h', 'value.literal': 'x' },
    record: record({ value, headers: [{ key: 'copy', value }] }),
  })),
  ...cases('InsertField$Value', [
    ['struct: topic, partition, timestamp, static', { 'topic.field': 'topic', 'partition.field': 'part', 'timestamp.field': 'ts!', 'static.field': 'origin', 'static.value': ' eddy ' }, record()],
    ['struct of a sink record: offset', { 'offset.field': 'offset!', 'partition.field': 'part!' }, sinkRecord()],
    ['source record: offset refused', { 'offset.field': 'offset' }, record()],
    ['schemaless', { 'topic.field': 'topic', 'timestamp.field': 'ts', 'static.field': 'origin', 'static.value': 'eddy' }, mapRecord()],
    ['schemaless sink: partition and offset', { 'partition.field': 'p', 'offset.field': 'o' }, record({ value: schemaless(personMap), partition: 1, offset: 9 })],
    ['a required partition left null fails in the converter', { 'partition.field': 'part!' }, record()],
    ['a string value is refused', { 'topic.field': 'topic' }, line()],
    ['a tombstone passes', { 'topic.field': 'topic' }, tombstone()],
    ['a field that exists already', { 'static.field': 'name', 'static.value': 'x' }, record()],
    ['nothing to insert', {}, record()],
    // Kafka's message prints the InsertionSpec object (`…InsertField$InsertionSpec@4c1f22f3`), Eddy the field name.
    ['static.field without static.value', { 'static.field': 'origin' }, record(), true],
    ['replace.null.with.default=false', { 'topic.field': 'topic', 'replace.null.with.default': 'false' }, record()],
    ['bad boolean', { 'topic.field': 'topic', 'replace.null.with.default': 'maybe' }, record()],
  ]),
  ...cases('InsertField$Key', [
    ['schemaless key', { 'topic.field': 'topic', 'static.field': 's', 'static.value': 'v' }, mapRecord()],
    ['string key refused', { 'topic.field': 'topic' }, record()],
  ]),
  ...cases('ReplaceField$Value', [
    ['include', { include: 'name,age, score' }, record()],
    ['exclude and renames', { exclude: 'photo,seen', renames: 'name:full_name,age:years' }, record()],
    ['schemaless include and renames', { include: 'name,age,nested,tags', renames: 'name:n,nested:inner' }, mapRecord()],
    ['schemaless exclude', { exclude: 'nested,tags,score' }, mapRecord()],
    ['a rename onto an existing field', { renames: 'name:age' }, record()],
    ['bad rename mapping', { renames: 'a:b:c' }, record()],
    ['duplicate include (removed)', { include: 'name,name' }, record()],
    ['replace.null.with.default=false', { include: 'name,active', 'replace.null.with.default': 'false' }, record()],
  ]),
  ...cases('ReplaceField$Key', [['schemaless key', { renames: 'id:key_id' }, mapRecord()]]),
  ...cases('MaskField$Value', [
    ['null values of each type', { fields: 'name,age,score,active,born,seen' }, record()],
    ['schemaless, absent field added as null', { fields: 'name,age,tags,nested,missing' }, mapRecord()],
    ['string replacement', { fields: 'name,born', replacement: '***' }, record()],
    ['numeric replacement', { fields: 'age,score,epoch', replacement: '42' }, record()],
    ['numeric replacement that is not a number', { fields: 'age', replacement: 'x' }, record()],
    ['boolean with a replacement is refused', { fields: 'active', replacement: 'yes' }, record()],
    ['bytes cannot be masked', { fields: 'photo' }, record()],
    ['a struct cannot be masked', { fields: 'address' }, record()],
    ['fields missing', {}, record()],
    ['fields empty', { fields: '' }, record()],
    ['fields duplicated (removed)', { fields: 'name,name' }, record()],
    ['empty replacement', { fields: 'name', replacement: '' }, record()],
    ['a string value is refused', { fields: 'x' }, line()],
  ]),
  ...cases('ValueToKey', [
    ['struct', { fields: 'name,age' }, record()],
    ['schemaless', { fields: 'name,score,missing' }, mapRecord()],
    ['nested with V2', { fields: 'name,address.city', 'field.syntax.version': 'v2' }, record()],
    ['schemaless nested with V2', { fields: 'nested.deeper.x', 'field.syntax.version': 'V2' }, mapRecord()],
    ['a missing field', { fields: 'name,nope' }, record()],
    ['bad syntax version', { fields: 'name', 'field.syntax.version': 'V3' }, record()],
    ['fields missing', {}, record()],
  ]),
  ...cases('ExtractField$Value', [
    ['struct', { field: 'name' }, record()],
    ['a struct field', { field: 'address' }, record()],
    ['the default of a null field', { field: 'active' }, record()],
    ['without the default', { field: 'active', 'replace.null.with.default': 'false' }, record()],
    ['nested with V2', { field: 'address.city', 'field.syntax.version': 'V2' }, record()],
    ['backticks with V2', { field: '`address`.zip', 'field.syntax.version': 'V2' }, record()],
    ['unbalanced backtick', { field: '`address.zip', 'field.syntax.version': 'V2' }, record()],
    ['schemaless', { field: 'nested' }, mapRecord()],
    ['schemaless absent', { field: 'nope' }, mapRecord()],
    ['unknown field', { field: 'nope' }, record()],
    ['on a string schema', { field: 'x' }, line()],
    ['a tombstone', { field: 'name' }, tombstone()],
  ]),
  ...cases('ExtractField$Key', [['schemaless key', { field: 'region' }, mapRecord()]]),
  ...cases('HoistField$Value', [
    ['a string', { field: 'line' }, line()],
    ['a struct', { field: 'person' }, record()],
    ['schemaless', { field: 'wrapped' }, mapRecord()],
    ['null with a required schema', { field: 'line' }, record({ value: { schema: optionalString, payload: null } })],
    ['field missing', {}, line()],
  ]),
  ...cases('HoistField$Key', [['a string key', { field: 'id' }, record()]]),
  ...cases('Cast$Value', [
    ['fields of a struct', { spec: 'age:string,score:int32,active:int8,epoch:float32,born:string' }, record()],
    ['bytes to string, timestamp to string and to long', { spec: 'photo:string,seen:int64' }, record()],
    ['timestamp to string', { spec: 'seen:string' }, record()],
    ['a string to numbers', { spec: 'int8' }, record({ value: text('12') })],
    ['a string to boolean', { spec: 'boolean' }, record({ value: text('TRUE') })],
    ['a string out of range', { spec: 'int8' }, record({ value: text('300') })],
    ['not a number', { spec: 'int32' }, line()],
    ['a double to integers', { spec: 'int16' }, record({ value: { schema: { type: 'double', optional: false }, payload: 70000.9 } })],
    ['a long to float64', { spec: 'float64' }, record({ value: { schema: { type: 'int64', optional: false }, payload: 9007199254740993 } })],
    ['a float to string', { spec: 'string' }, record({ value: { schema: { type: 'float', optional: false }, payload: 0.1 } })],
    ['schemaless fields', { spec: 'age:string,score:int64,active:string,missing:int8,epoch:int32' }, mapRecord()],
    ['schemaless whole value', { spec: 'string' }, record({ value: schemaless(12345) })],
    ['schemaless map cast whole refused', { spec: 'string' }, mapRecord()],
    ['a struct field cannot be cast', { spec: 'address:string' }, record()],
    ['whole and fields together', { spec: 'int8,age:string' }, record()],
    ['unknown type', { spec: 'age:text' }, record()],
    ['cast to bytes refused', { spec: 'age:bytes' }, record()],
    ['bad mapping', { spec: 'a:b:c' }, record()],
    ['spec missing', {}, record()],
    ['spec empty', { spec: '' }, record()],
    ['a tombstone', { spec: 'int8' }, tombstone()],
    ['a default cast along', { spec: 'active:string' }, record()],
  ]),
  ...cases('Cast$Key', [['a string key to int', { spec: 'int64' }, record({ key: text('123') })]]),
  ...cases('TimestampRouter', [
    ['default formats', {}, record()],
    ['custom formats', { 'topic.format': 'x_${timestamp}_${topic}_${topic}', 'timestamp.format': "yyyy-MM-dd'T'HH:mm:ss.SSS EEE MMM D w a h K k z Z X G" }, record()],
    ['two-digit year and single letters', { 'timestamp.format': 'yy-M-d H:m:s.S' }, record({ timestamp: 86_400_000 * 366 + 3_600_000 * 5 + 7 })],
    ['before the epoch', { 'timestamp.format': 'yyyy-MM-dd HH:mm:ss.SSS EEEE MMMM' }, record({ timestamp: -1_000_000_000_001 })],
    // Kafka prints the SourceRecord (with its source partition and offset, which a transform plugin does not see) and byte arrays as `[B@…`.
    ['no timestamp', {}, record({ timestamp: null }), true],
  ]),
  ...cases('RegexRouter', [
    ['groups', { regex: '(.*)-(test)', replacement: '$2.$1-routed' }, record()],
    ['whole-string match only', { regex: 'connect', replacement: 'x' }, record()],
    ['named group and escapes', { regex: '(?<base>[a-z]+)-test', replacement: '${base}\\$x' }, record()],
    ['two-digit group falls back', { regex: '(c)(o)(n)(n)(e)(c)(t)(-)(t)(e)(st)', replacement: '$11$1$12' }, record()],
    ['no such group', { regex: '(.*)', replacement: '$2' }, record()],
    ['invalid regex', { regex: '(unclosed', replacement: 'x' }, record(), true],
    ['replacement missing', { regex: '.*' }, record()],
  ]),
  ...cases('Filter', [['drops', {}, record()]]),
  ...cases('Flatten$Value', [
    ['a nested struct', {}, record()],
    ['delimiter', { delimiter: '_' }, record()],
    ['schemaless nested maps', {}, mapRecord()],
    ['schemaless with a delimiter', { delimiter: '#' }, mapRecord()],
    ['a string is refused', {}, line()],
    ['a tombstone', {}, tombstone()],
  ]),
  ...cases('Flatten$Key', [['schemaless key', {}, mapRecord()]]),
  ...cases('SetSchemaMetadata$Value', [
    ['name and version', { 'schema.name': 'com.example.Renamed', 'schema.version': '7' }, record()],
    ['version only, of a string', { 'schema.version': '3' }, line()],
    ['schemaless is refused', { 'schema.name': 'x' }, mapRecord()],
    ['neither', {}, record()],
    ['bad version', { 'schema.version': 'three' }, record()],
  ]),
  ...cases('SetSchemaMetadata$Key', [['a string key', { 'schema.name': 'Key' }, record()]]),
  ...cases('TimestampConverter$Value', [
    ['timestamp field to string', { field: 'seen', 'target.type': 'string', format: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX" }, record()],
    ['timestamp field to unix seconds', { field: 'seen', 'target.type': 'unix', 'unix.precision': 'seconds' }, record()],
    ['timestamp field to Date and Time', { field: 'seen', 'target.type': 'Date' }, record()],
    ['timestamp field to Time', { field: 'seen', 'target.type': 'Time' }, record()],
    ['unix field to Timestamp', { field: 'epoch', 'target.type': 'Timestamp', 'unix.precision': 'seconds' }, record()],
    ['string field parsed', { field: 'born', 'target.type': 'Timestamp', format: 'yyyy-MM-dd' }, record()],
    ['string field that does not match', { field: 'born', 'target.type': 'unix', format: 'dd/MM/yyyy' }, record()],
    ['a whole string value', { 'target.type': 'unix', format: 'yyyy-MM-dd HH:mm' }, record({ value: text('2024-02-29 13:45') })],
    ['a whole string value, lenient', { 'target.type': 'string', format: 'yyyy-MM-dd' }, record({ value: text('2023-13-32') })],
    ['schemaless field to string', { field: 'epoch', 'target.type': 'string', format: 'yyyy-MM-dd HH:mm:ss' }, mapRecord()],
    ['schemaless whole to Date', { 'target.type': 'Date' }, record({ value: schemaless(1_718_000_000_123) })],
    ['schemaless microseconds', { 'target.type': 'unix', 'unix.precision': 'microseconds' }, record({ value: schemaless(1_718_000_000_123) })],
    ['a double is not a timestamp', { 'target.type': 'unix' }, record({ value: schemaless(1.5) })],
    ['string without format', { field: 'seen', 'target.type': 'string' }, record()],
    ['bad target type', { field: 'seen', 'target.type': 'date' }, record()],
    ['bad format', { field: 'seen', 'target.type': 'string', format: 'yyyy-qq' }, record()],
    ['bad precision', { 'target.type': 'unix', 'unix.precision': 'minutes' }, record()],
    ['unknown schema type', { field: 'score', 'target.type': 'unix' }, record()],
  ]),
  ...cases('InsertHeader', [
    ['a string', { header: 'h', 'value.literal': 'hello world' }, record()],
    ['numbers', { header: 'n', 'value.literal': '42' }, record()],
    ['a big number', { header: 'n', 'value.literal': '2147483648' }, record()],
    ['a decimal', { header: 'n', 'value.literal': '3.25' }, record()],
    ['a boolean', { header: 'b', 'value.literal': 'true' }, record()],
    ['an array', { header: 'a', 'value.literal': '[1, 2.5, 3]' }, record()],
    ['a map', { header: 'm', 'value.literal': '{"a": 1, "b": 2}' }, record()],
    ['a date', { header: 'd', 'value.literal': '2024-01-15' }, record()],
    ['a timestamp', { header: 't', 'value.literal': '2024-01-15T10:20:30.400Z' }, record()],
    ['an unbalanced array', { header: 'x', 'value.literal': '[1, 2' }, record()],
    ['an array with a null', { header: 'x', 'value.literal': '[1, null, 2]' }, record()],
    ['a map with a null value', { header: 'x', 'value.literal': '{"a":null,"b":1}' }, record()],
    ['a map of nulls', { header: 'x', 'value.literal': '{"a":null}' }, record()],
    ['nested', { header: 'x', 'value.literal': '{"a":[1,2],"b":{"c":true}}' }, record()],
    ['a quoted time', { header: 'x', 'value.literal': '["12:34:56.789Z", "x"]' }, record()],
    ['kept after existing headers', { header: 'h', 'value.literal': 'second' }, record({ headers: [{ key: 'h', value: text('first') }] })],
    ['header missing', { 'value.literal': 'x' }, record()],
  ]),
  ...cases('DropHeaders', [
    ['drops every header of the names', { headers: 'a,c' }, record({ headers: [{ key: 'a', value: text('1') }, { key: 'b', value: text('2') }, { key: 'a', value: text('3') }, { key: 'c', value: null }] })],
    ['headers missing', {}, record()],
  ]),
  ...cases('HeaderFrom$Value', [
    ['copy from a struct', { fields: 'name,age,address', headers: 'h-name,h-age,h-address', operation: 'copy' }, record()],
    ['move from a struct', { fields: 'name,active', headers: 'n,a', operation: 'move' }, record()],
    ['move from schemaless', { fields: 'name,nested', headers: 'n,nested', operation: 'move' }, mapRecord()],
    ['different lengths', { fields: 'a,b', headers: 'x', operation: 'copy' }, record()],
    ['bad operation', { fields: 'a', headers: 'x', operation: 'steal' }, record()],
  ]),
  ...cases('HeaderFrom$Key', [['copy from a schemaless key', { fields: 'id', headers: 'key-id', operation: 'copy' }, mapRecord()]]),
  ...cases('predicates.TopicNameMatches', [
    ['matches the whole name', { pattern: 'connect-.*' }, record()],
    ['does not match a part', { pattern: 'connect' }, record()],
    ['empty pattern', { pattern: '' }, record()],
    ['invalid pattern', { pattern: '[' }, record(), true],
  ]),
  ...cases('predicates.HasHeaderKey', [
    ['present', { name: 'h' }, record({ headers: [{ key: 'h', value: null }] })],
    ['absent', { name: 'h' }, record()],
    ['name missing', {}, record()],
  ]),
  ...cases('predicates.RecordIsTombstone', [
    ['a tombstone', {}, tombstone()],
    ['a value', {}, record()],
  ]),
];
