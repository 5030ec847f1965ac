// The Streams DSL written as data: the `dsl:` section of a pipeline or
// application file, compiled through StreamsBuilder (the same API
// TypeScript uses), so hosted deployments can submit topologies as YAML.
//
//   dsl:
//     functions:
//       f: { plugin: ../plugins/dsl-functions-rust }      # a plugin of the functions world
//     streams:
//       - stream: text-lines                              # or table: <topic>, or from: <an earlier `as`>
//         steps:
//           - flatMapValues: f.split-words                # <functions>.<name>
//           - groupBy: f.value-as-key
//           - count: { name: counts }
//           - toStream
//           - to: word-counts
//         as: counts-stream                               # optional: later streams refer to the result
//
// Serdes: `keySerde` / `valueSerde` on a source (Consumed), `to` (Produced),
// `groupBy` / `groupByKey` (Grouped), `repartition` (Repartitioned),
// `toTable` and aggregations (Materialized), joins (Joined / StreamJoined, with
// `otherValueSerde`); `deserialization.exception.handler`, `default.key.serde`
// and `default.value.serde` beside `streams` (or in the application file; a
// value set in both places must agree: dsl-setting-conflict).
// Their errors carry stable codes (step-serdes.ts: dsl-serde-unknown, …).
//
// Owns: the document's schema — each step's name (Kafka Streams' method
// name), its arguments (a function reference, a topic, a stream's name, or a
// mapping with the step's fields, `name` always allowed), which steps apply
// to a stream, a grouped stream, a windowed stream or a table — and errors
// that name the file and the field path.
// Must never: build a topology other than through StreamsBuilder.

import { ConfigError } from '../errors.ts';
import type { FunctionKind, FunctionRef, FunctionSource } from '../processor/functions.ts';
import { PluginFunctionSource } from '../plugin/plugin-functions.ts';
import { PluginProcessorSupplier } from '../plugin/plugin-processor.ts';
import { timestampExtractorByName, type TimestampExtractorName } from '../time/timestamp-extractor.ts';
import { FieldReader, type DocumentOrigin, type StreamsSetting } from '../topology/document-fields.ts';
import { FunctionTimestampExtractor } from './function-timestamp-extractor.ts';
import { deserializationHandlerByName, deserializationHandlerNames, SerdeConfigError, stepSerdeByName, stepSerdeNames, type DeserializationHandler, type StepSerdes } from './step-serdes.ts';
import type { Serde } from '../serde/serdes.ts';
import { resolvePlugin } from '../topology/plugin-reference.ts';
import type { Topology } from '../topology/topology.ts';
import { CogroupedKStream, GlobalKTable, WindowedCogroupedKStream, KGroupedStream, KGroupedTable, KStream, KTable, SessionWindowedKStream, SlidingWindowedKStream, StreamsBuilder, TimeWindowedKStream } from './streams-builder.ts';

type Windowed = TimeWindowedKStream | SlidingWindowedKStream;
type Current = KStream | KGroupedStream | CogroupedKStream | WindowedCogroupedKStream | Windowed | SessionWindowedKStream | KTable | KGroupedTable | GlobalKTable | undefined;

type Kind = 'stream' | 'grouped' | 'cogrouped' | 'windowed-cogrouped' | 'windowed' | 'session' | 'table' | 'grouped-table';
type FieldKind = FunctionKind | 'topic' | 'stream' | 'table' | 'milliseconds' | 'count' | 'name' | 'branches' | 'plugin' | 'config' | 'stores' | 'cogroups' | 'serde';

/** One form of a step: its argument fields (the first is what a plain string means) and the required ones. */
interface StepForm {
  fields: Record<string, FieldKind>;
  required: string[];
}

const fn = (kind: FunctionKind, field: string): StepForm => ({ fields: { [field]: kind, name: 'name' }, required: [field] });
const named: StepForm = { fields: { name: 'name' }, required: [] };
/** A step's serdes (Kafka Streams' `<Config>.with(keySerde, valueSerde)`): a serde name each. */
const serdeFields: Record<string, FieldKind> = { keySerde: 'serde', valueSerde: 'serde' };
const withSerdes = (form: StepForm): StepForm => ({ fields: { ...form.fields, ...serdeFields }, required: form.required });
const windowedAggregation = (fields: Record<string, FieldKind>, required: string[]): StepForm => ({ fields: { ...fields, name: 'name', retention: 'milliseconds', ...serdeFields }, required });

/**
 * A stream joins a table (`table`), a global table (`globalTable`, through a
 * `keySelector`), or another stream (`stream`) within a window: `difference`
 * (or `before` and `after`) and `grace`, in ms.
 */
const streamJoin: StepForm = {
  fields: { table: 'table', globalTable: 'table', keySelector: 'key-selector', stream: 'stream', joiner: 'value-joiner', difference: 'milliseconds', before: 'milliseconds', after: 'milliseconds', grace: 'milliseconds', name: 'name', ...serdeFields, otherValueSerde: 'serde' },
  required: ['joiner'],
};

/** Every step, by what it applies to (Kafka Streams' method names). */
export const dslSteps: Record<string, Partial<Record<Kind, StepForm>>> = {
  filter: { stream: fn('predicate', 'predicate'), table: fn('predicate', 'predicate') },
  filterNot: { stream: fn('predicate', 'predicate'), table: fn('predicate', 'predicate') },
  map: { stream: fn('key-value-mapper', 'mapper') },
  mapValues: { stream: fn('value-mapper', 'mapper'), table: fn('value-mapper', 'mapper') },
  selectKey: { stream: fn('key-selector', 'selector') },
  flatMap: { stream: fn('flat-mapper', 'mapper') },
  flatMapValues: { stream: fn('flat-value-mapper', 'mapper') },
  peek: { stream: fn('action', 'action') },
  foreach: { stream: fn('action', 'action') },
  merge: { stream: { fields: { with: 'stream', name: 'name' }, required: ['with'] } },
  to: { stream: withSerdes({ fields: { topic: 'topic', extractor: 'topic-name-extractor', name: 'name' }, required: [] }) },
  repartition: { stream: withSerdes({ fields: { name: 'name', partitions: 'count' }, required: [] }) },
  split: { stream: { fields: { branches: 'branches', default: 'name', name: 'name' }, required: ['branches'] } },
  process: { stream: { fields: { plugin: 'plugin', config: 'config', stores: 'stores', name: 'name' }, required: ['plugin'] } },
  processValues: { stream: { fields: { plugin: 'plugin', config: 'config', stores: 'stores', name: 'name' }, required: ['plugin'] } },
  toTable: { stream: withSerdes({ fields: { name: 'name', store: 'name' }, required: [] }) },
  groupByKey: { stream: withSerdes(named) },
  groupBy: { stream: withSerdes(fn('key-selector', 'selector')), table: withSerdes(fn('key-value-mapper', 'mapper')) },
  join: {
    stream: streamJoin,
    table: { fields: { table: 'table', joiner: 'value-joiner', name: 'name' }, required: ['table', 'joiner'] },
  },
  leftJoin: {
    stream: streamJoin,
    table: { fields: { table: 'table', joiner: 'value-joiner', name: 'name' }, required: ['table', 'joiner'] },
  },
  fkJoin: { table: { fields: { table: 'table', extractor: 'key-selector', joiner: 'value-joiner', name: 'name' }, required: ['table', 'extractor', 'joiner'] } },
  fkLeftJoin: { table: { fields: { table: 'table', extractor: 'key-selector', joiner: 'value-joiner', name: 'name' }, required: ['table', 'extractor', 'joiner'] } },
  outerJoin: {
    stream: streamJoin,
    table: { fields: { table: 'table', joiner: 'value-joiner', name: 'name' }, required: ['table', 'joiner'] },
  },
  cogroup: { grouped: { fields: { aggregator: 'aggregator', with: 'cogroups' }, required: ['aggregator'] } },
  windowedBy: {
    grouped: { fields: { size: 'milliseconds', advance: 'milliseconds', grace: 'milliseconds', gap: 'milliseconds', sliding: 'milliseconds' }, required: [] },
    cogrouped: { fields: { size: 'milliseconds', advance: 'milliseconds', grace: 'milliseconds', gap: 'milliseconds', sliding: 'milliseconds' }, required: [] },
  },
  count: { grouped: withSerdes(named), windowed: windowedAggregation({}, []), session: windowedAggregation({}, []), 'grouped-table': withSerdes(named) },
  reduce: {
    grouped: withSerdes(fn('reducer', 'reducer')),
    windowed: windowedAggregation({ reducer: 'reducer' }, ['reducer']),
    session: windowedAggregation({ reducer: 'reducer' }, ['reducer']),
    'grouped-table': withSerdes({ fields: { adder: 'reducer', subtractor: 'reducer', name: 'name' }, required: ['adder', 'subtractor'] }),
  },
  aggregate: {
    grouped: withSerdes({ fields: { initializer: 'initializer', aggregator: 'aggregator', name: 'name' }, required: ['initializer', 'aggregator'] }),
    windowed: windowedAggregation({ initializer: 'initializer', aggregator: 'aggregator' }, ['initializer', 'aggregator']),
    session: windowedAggregation({ initializer: 'initializer', aggregator: 'aggregator', merger: 'merger' }, ['initializer', 'aggregator', 'merger']),
    'grouped-table': withSerdes({ fields: { initializer: 'initializer', adder: 'aggregator', subtractor: 'aggregator', name: 'name' }, required: ['initializer', 'adder', 'subtractor'] }),
    cogrouped: withSerdes({ fields: { initializer: 'initializer', name: 'name' }, required: ['initializer'] }),
    'windowed-cogrouped': withSerdes({ fields: { initializer: 'initializer', merger: 'merger', name: 'name', retention: 'milliseconds' }, required: ['initializer'] }),
  },
  suppress: { table: { fields: { until: 'name', limit: 'milliseconds', maxRecords: 'count', maxBytes: 'count', whenFull: 'name', name: 'name' }, required: ['until'] } },
  toStream: { table: named },
};

const sourceFields = ['stream', 'table', 'globalTable', 'from', 'steps', 'as', 'name', 'store', 'timestamp.extractor', 'keySerde', 'valueSerde'];

/** Fields of the `dsl` section: Kafka Streams' handler name, and its deprecated one. */
const handlerFields = ['deserialization.exception.handler', 'default.deserialization.exception.handler'];

/** Fields of the `dsl` section: the application's default serdes (Kafka Streams' default.key.serde, default.value.serde). */
const defaultSerdeFields = ['default.key.serde', 'default.value.serde'] as const;

/** A Streams setting from the `dsl:` section and the application file: either, or both when they agree (else dsl-setting-conflict). */
function agreed<T>(local: { value: T; field: string } | undefined, application: StreamsSetting<T> | undefined, name: (value: T) => string, file: string): T | undefined {
  if (local && application && name(local.value) !== name(application.value)) {
    throw new SerdeConfigError(
      'dsl-setting-conflict',
      `${name(local.value)} here, but ${name(application.value)} in the application file's ${application.field} (${application.file}): set it in one place, or to the same value`,
      { file, field: local.field },
    );
  }
  return local?.value ?? application?.value;
}

/** True when a topology document is written in the DSL. */
export function isDslDocument(root: Record<string, unknown>): boolean {
  return 'dsl' in root;
}

/** Compiles the `dsl` section of a topology document. */
export function topologyFromDsl(value: unknown, origin: DocumentOrigin): Topology {
  const fields = new FieldReader({ ...origin, fieldPrefix: [origin.fieldPrefix, 'dsl'].filter(Boolean).join('.') });
  const fail = (field: string, message: string): never => {
    throw new ConfigError(message, { file: origin.file, field: fields.path(field) });
  };
  const dsl = fields.object(value, '');
  for (const key of Object.keys(dsl)) {
    if (key !== 'functions' && key !== 'streams' && !handlerFields.includes(key) && !(defaultSerdeFields as readonly string[]).includes(key)) {
      fail(key, `unknown field (expected functions, streams, deserialization.exception.handler, default.key.serde, default.value.serde)`);
    }
  }
  // A serde by name; an unknown one is an error with a stable code.
  const serdeAt = (entry: unknown, field: string): Serde<unknown> | undefined => {
    if (entry === undefined) return undefined;
    const serde = stepSerdeByName(fields.string(entry, field));
    if (!serde) throw new SerdeConfigError('dsl-serde-unknown', `unknown serde '${String(entry)}' (expected ${stepSerdeNames.join(', ')}, or Kafka's class name)`, { file: origin.file, field: fields.path(field) });
    return serde;
  };
  const serdesAt = (entries: Record<string, unknown>, at: string): StepSerdes => {
    const keySerde = serdeAt(entries.keySerde, `${at}.keySerde`);
    const valueSerde = serdeAt(entries.valueSerde, `${at}.valueSerde`);
    return { ...(keySerde ? { keySerde } : {}), ...(valueSerde ? { valueSerde } : {}) };
  };
  let localHandler: { value: DeserializationHandler; field: string } | undefined;
  for (const key of handlerFields) {
    if (dsl[key] === undefined) continue;
    const handler = deserializationHandlerByName(fields.string(dsl[key], key));
    if (!handler) throw new SerdeConfigError('dsl-deserialization-handler-unknown', `unknown deserialization exception handler '${String(dsl[key])}' (expected ${deserializationHandlerNames.join(', ')}, or Kafka Streams' class name)`, { file: origin.file, field: fields.path(key) });
    localHandler ??= { value: handler, field: fields.path(key) };
  }
  const application = origin.streams ?? {};
  const deserializationExceptionHandler = agreed(localHandler, application.deserializationExceptionHandler, (handler) => handler, origin.file);
  const localSerde = (key: (typeof defaultSerdeFields)[number]) => {
    const serde = serdeAt(dsl[key], key);
    return serde ? { value: serde, field: fields.path(key) } : undefined;
  };
  const defaultKeySerde = agreed(localSerde('default.key.serde'), application.defaultKeySerde, (serde) => serde.name, origin.file);
  const defaultValueSerde = agreed(localSerde('default.value.serde'), application.defaultValueSerde, (serde) => serde.name, origin.file);
  const sources = new Map<string, FunctionSource>();
  for (const [name, entry] of Object.entries(fields.object(dsl.functions ?? {}, 'functions'))) {
    const at = `functions.${name}`;
    const declaration = typeof entry === 'string' ? { plugin: entry } : fields.object(entry, at);
    for (const key of Object.keys(declaration)) if (!['plugin', 'config', 'limits'].includes(key)) fail(`${at}.${key}`, 'unknown field (expected plugin, config, limits)');
    const plugin = resolvePlugin(fields.string(declaration.plugin, `${at}.plugin`), origin, fields.path(`${at}.plugin`));
    sources.set(name, new PluginFunctionSource(plugin, fields.config(declaration.config, `${at}.config`), fields.limits(declaration.limits, `${at}.limits`)));
  }
  const builder = new StreamsBuilder({
    ...(origin.applicationId ? { applicationId: origin.applicationId } : {}),
    ...(deserializationExceptionHandler ? { deserializationExceptionHandler } : {}),
    ...(defaultKeySerde ? { defaultKeySerde } : {}),
    ...(defaultValueSerde ? { defaultValueSerde } : {}),
  });
  const named = new Map<string, Current>();

  const functionRef = <K extends FunctionKind>(reference: unknown, kind: K, field: string): FunctionRef<K> => {
    const text = fields.string(reference, field);
    const dot = text.indexOf('.');
    const source = dot > 0 ? sources.get(text.slice(0, dot)) : undefined;
    if (!source) fail(field, `'${text}' is not <functions>.<name> with a declared functions entry (declared: ${[...sources.keys()].join(', ') || 'none'})`);
    return { source: source!, name: text.slice(dot + 1), kind };
  };

  fields.list(dsl.streams, 'streams', true).forEach((item, index) => {
    const at = `streams[${index}]`;
    const pipeline = fields.object(item, at);
    for (const key of Object.keys(pipeline)) if (!sourceFields.includes(key)) fail(`${at}.${key}`, `unknown field (expected ${sourceFields.join(', ')})`);
    const starts = ['stream', 'table', 'globalTable', 'from'].filter((key) => pipeline[key] !== undefined);
    if (starts.length !== 1) fail(at, 'needs exactly one of stream (topics), table (a topic), globalTable (a topic) or from (an earlier stream\'s `as`)');
    // A built-in extractor by name (or Kafka Streams' class name), or a timestamp-extractor function.
    const extractorName = pipeline['timestamp.extractor'] === undefined ? undefined : fields.string(pipeline['timestamp.extractor'], `${at}.timestamp.extractor`);
    const builtIn = extractorName === undefined ? undefined : timestampExtractorByName(extractorName);
    let extractor: TimestampExtractorName | FunctionTimestampExtractor | undefined = builtIn;
    if (extractorName !== undefined && !builtIn) {
      const dot = extractorName.indexOf('.');
      if (dot <= 0 || !sources.has(extractorName.slice(0, dot))) fail(`${at}.timestamp.extractor`, `unknown timestamp extractor '${extractorName}' (a built-in one, or <functions>.<name> of a timestamp-extractor function)`);
      extractor = new FunctionTimestampExtractor(functionRef(extractorName, 'timestamp-extractor', `${at}.timestamp.extractor`));
    }
    const name = pipeline.name === undefined ? undefined : fields.string(pipeline.name, `${at}.name`);
    // Consumed.with(keySerde, valueSerde): a `from` has no source to read with them.
    const consumed = serdesAt(pipeline, at);
    if (pipeline.from !== undefined) for (const key of ['keySerde', 'valueSerde']) if (pipeline[key] !== undefined) fail(`${at}.${key}`, 'serdes belong to the source that reads a topic (stream, table, globalTable), not to from');
    let current: Current;
    if (pipeline.stream !== undefined) {
      const topics = typeof pipeline.stream === 'string' ? [pipeline.stream] : fields.strings(pipeline.stream, `${at}.stream`);
      current = builder.stream(topics, { ...(name ? { name } : {}), ...(extractor ? { timestampExtractor: extractor } : {}), ...consumed });
    } else if (pipeline.table !== undefined) {
      const store = pipeline.store === undefined ? undefined : fields.string(pipeline.store, `${at}.store`);
      current = builder.table(fields.string(pipeline.table, `${at}.table`), { ...(name ? { name } : {}), ...(store ? { store } : {}), ...(extractor ? { timestampExtractor: extractor } : {}), ...consumed });
    } else if (pipeline.globalTable !== undefined) {
      const store = pipeline.store === undefined ? undefined : fields.string(pipeline.store, `${at}.store`);
      if (pipeline.steps !== undefined) fail(`${at}.steps`, 'a global table has no steps: streams join it (join/leftJoin with globalTable and keySelector)');
      if (pipeline.as === undefined) fail(at, 'a global table needs as: (the name streams join it by)');
      current = builder.globalTable(fields.string(pipeline.globalTable, `${at}.globalTable`), { ...(name ? { name } : {}), ...(store ? { store } : {}), ...(extractor ? { timestampExtractor: extractor } : {}), ...consumed });
    } else {
      const from = fields.string(pipeline.from, `${at}.from`);
      if (!named.has(from)) fail(`${at}.from`, `no earlier stream is named '${from}' (as: …)`);
      current = named.get(from);
    }
    fields.list(pipeline.steps ?? [], `${at}.steps`, false).forEach((step, stepIndex) => {
      current = applyStep(current, step, `${at}.steps[${stepIndex}]`);
    });
    if (pipeline.as !== undefined) {
      const as = fields.string(pipeline.as, `${at}.as`);
      if (named.has(as)) fail(`${at}.as`, `the name '${as}' is already used`);
      named.set(as, current);
    }
  });
  return builder.build();

  /** One step; a serde error the builder raises (count with a non-Long value serde) names the step's field. */
  function applyStep(current: Current, step: unknown, at: string): Current {
    try {
      return applyStepTo(current, step, at);
    } catch (error) {
      if (error instanceof SerdeConfigError && error.context.field === undefined) throw error.withContext({ file: origin.file, field: fields.path(at) });
      throw error;
    }
  }

  function applyStepTo(current: Current, step: unknown, at: string): Current {
    let stepName: string;
    let argument: unknown;
    if (typeof step === 'string') {
      stepName = step;
      argument = undefined;
    } else {
      const entries = Object.entries(fields.object(step, at));
      if (entries.length !== 1) fail(at, `a step is one \`<step>: <argument>\` (steps: ${Object.keys(dslSteps).join(', ')})`);
      [stepName, argument] = entries[0]!;
    }
    const forms = dslSteps[stepName];
    if (!forms) fail(at, `unknown step '${stepName}' (steps: ${Object.keys(dslSteps).join(', ')})`);
    const field = `${at}.${stepName}`;
    const kind: Kind | undefined =
      current instanceof KStream ? 'stream'
      : current instanceof KGroupedStream ? 'grouped'
      : current instanceof CogroupedKStream ? 'cogrouped'
      : current instanceof WindowedCogroupedKStream ? 'windowed-cogrouped'
      : current instanceof TimeWindowedKStream || current instanceof SlidingWindowedKStream ? 'windowed'
      : current instanceof SessionWindowedKStream ? 'session'
      : current instanceof KTable ? 'table'
      : current instanceof KGroupedTable ? 'grouped-table'
      : undefined;
    const schema = kind ? forms![kind] : undefined;
    if (!schema) fail(at, `'${stepName}' applies to a ${Object.keys(forms!).join(' or ')}, not to ${kind ? `a ${kind}` : 'nothing (the stream ended)'}`);
    const names = Object.keys(schema!.fields);
    const args: Record<string, unknown> = argument === undefined || argument === null ? {} : typeof argument === 'object' && !Array.isArray(argument) ? (argument as Record<string, unknown>) : { [names[0]!]: argument };
    for (const key of Object.keys(args)) if (!names.includes(key)) fail(`${field}.${key}`, `unknown field (expected ${names.join(', ')})`);
    for (const key of schema!.required) if (args[key] === undefined) fail(field, `needs ${key}`);
    const get = <K extends FunctionKind>(key: string, functionKind: K) => functionRef(args[key], functionKind, `${field}.${key}`);
    const ms = (key: string): number | undefined => {
      const entry = args[key];
      if (entry === undefined) return undefined;
      if (typeof entry !== 'number' || !Number.isInteger(entry) || entry < 0) fail(`${field}.${key}`, 'must be a whole number of milliseconds ≥ 0');
      return entry as number;
    };
    const named$ = args.name === undefined ? {} : { name: fields.string(args.name, `${field}.name`) };
    // The step's serdes (only steps whose form declares them get here with any).
    const serdes$ = serdesAt(args, field);
    const withSerdes$ = { ...named$, ...serdes$ };
    const otherValueSerde = serdeAt(args.otherValueSerde, `${field}.otherValueSerde`);
    const retention = ms('retention');
    const store = { ...named$, ...(retention !== undefined ? { retentionMs: retention } : {}), ...serdes$ };
    const reference = (key: string, expect: 'stream' | 'table'): KStream | KTable => {
      const target = named.get(fields.string(args[key], `${field}.${key}`));
      if (expect === 'stream' && target instanceof KStream) return target;
      if (expect === 'table' && target instanceof KTable) return target;
      return fail(`${field}.${key}`, `'${String(args[key])}' is not the name (as:) of an earlier ${expect}`);
    };
    // Each function field's kind comes from the step's form.
    const f = <K extends FunctionKind>(key: string): FunctionRef<K> => get(key, schema!.fields[key] as K);
    // Grouped and cogrouped streams take the same three kinds of windows.
    const windowedBy = (grouped: KGroupedStream | CogroupedKStream) => {
      const size = ms('size');
      const gap = ms('gap');
      const sliding = ms('sliding');
      if ([size, gap, sliding].filter((entry) => entry !== undefined).length !== 1) {
        fail(field, 'needs one of size (time windows: size, advance, grace), gap (session windows: gap, grace) or sliding (sliding windows: the time difference, grace)');
      }
      if (size === undefined && args.advance !== undefined) fail(`${field}.advance`, 'only time windows (size) have an advance');
      try {
        if (gap !== undefined) return grouped.windowedBySession({ gapMs: gap, graceMs: ms('grace') ?? 0 });
        if (sliding !== undefined) return grouped.windowedBySliding({ differenceMs: sliding, graceMs: ms('grace') ?? 0 });
        return grouped.windowedBy({ sizeMs: size!, advanceMs: ms('advance') ?? size!, graceMs: ms('grace') ?? 0 });
      } catch (error) {
        return fail(field, (error as Error).message);
      }
    };
    if (current instanceof KTable) {
      const table = current;
      switch (stepName) {
        case 'filter': return table.filter(f('predicate'), named$);
        case 'filterNot': return table.filterNot(f('predicate'), named$);
        case 'mapValues': return table.mapValues(f('mapper'), named$);
        case 'groupBy': return table.groupBy(f('mapper'), withSerdes$);
        case 'join': return table.join(reference('table', 'table') as KTable, f('joiner'), named$);
        case 'leftJoin': return table.leftJoin(reference('table', 'table') as KTable, f('joiner'), named$);
        case 'outerJoin': return table.outerJoin(reference('table', 'table') as KTable, f('joiner'), named$);
        case 'fkJoin':
        case 'fkLeftJoin':
          return table.joinOnForeignKey(reference('table', 'table') as KTable, f('extractor'), f('joiner'), stepName === 'fkLeftJoin', named$);
        case 'toStream': return table.toStream(named$);
        case 'suppress': {
          const until = args.until;
          if (until !== 'window-closes' && until !== 'time-limit') fail(`${field}.until`, "must be 'window-closes' (Suppressed.untilWindowCloses) or 'time-limit' (Suppressed.untilTimeLimit, with limit)");
          if (until === 'time-limit' && args.limit === undefined) fail(`${field}.limit`, "is required with until: time-limit (milliseconds)");
          if (until === 'window-closes' && args.limit !== undefined) fail(`${field}.limit`, 'applies to until: time-limit only');
          const whenFull = args.whenFull ?? (until === 'window-closes' ? 'shut-down' : 'emit-early');
          if (whenFull !== 'emit-early' && whenFull !== 'shut-down') fail(`${field}.whenFull`, "must be 'emit-early' (BufferConfig.emitEarlyWhenFull) or 'shut-down' (shutDownWhenFull)");
          const bounded = args.maxRecords !== undefined || args.maxBytes !== undefined;
          const buffer = bounded
            ? { maxRecords: (args.maxRecords as number | undefined) ?? Number.POSITIVE_INFINITY, maxBytes: (args.maxBytes as number | undefined) ?? Number.POSITIVE_INFINITY, whenFull: whenFull as 'emit-early' | 'shut-down' }
            : undefined;
          try {
            return until === 'window-closes'
              ? table.suppressUntilWindowCloses({ ...named$, ...(buffer ? { buffer } : {}) })
              : table.suppressUntilTimeLimit(args.limit as number, { ...named$, ...(buffer ? { buffer } : {}) });
          } catch (error) {
            return fail(field, (error as Error).message);
          }
        }
      }
    } else if (current instanceof KGroupedTable) {
      switch (stepName) {
        case 'count': return current.count(withSerdes$);
        case 'reduce': return current.reduce(f('adder'), f('subtractor'), withSerdes$);
        case 'aggregate': return current.aggregate(f('initializer'), f('adder'), f('subtractor'), withSerdes$);
      }
    } else if (current instanceof KStream) {
      const stream = current;
      switch (stepName) {
        case 'filter': return stream.filter(f('predicate'), named$);
        case 'filterNot': return stream.filterNot(f('predicate'), named$);
        case 'map': return stream.map(f('mapper'), named$);
        case 'mapValues': return stream.mapValues(f('mapper'), named$);
        case 'selectKey': return stream.selectKey(f('selector'), named$);
        case 'flatMap': return stream.flatMap(f('mapper'), named$);
        case 'flatMapValues': return stream.flatMapValues(f('mapper'), named$);
        case 'peek': return stream.peek(f('action'), named$);
        case 'foreach': stream.foreach(f('action'), named$); return undefined;
        case 'merge': return stream.merge(reference('with', 'stream') as KStream, named$);
        case 'to':
          if ((args.topic === undefined) === (args.extractor === undefined)) fail(field, 'needs topic, or extractor (a topic-name-extractor choosing the topic per record)');
          if (args.topic !== undefined) stream.to(fields.string(args.topic, `${field}.topic`), withSerdes$);
          else stream.toTopicOf(f('extractor'), withSerdes$);
          return undefined;
        case 'repartition': {
          const partitions = args.partitions;
          if (partitions !== undefined && (typeof partitions !== 'number' || !Number.isInteger(partitions) || partitions < 1)) fail(`${field}.partitions`, 'must be a whole number ≥ 1');
          return stream.repartition({ ...withSerdes$, ...(partitions !== undefined ? { partitions: partitions as number } : {}) });
        }
        case 'split': {
          const branches = fields.list(args.branches, `${field}.branches`, true).map((item, index) => {
            const at$ = `${field}.branches[${index}]`;
            const branch = fields.object(item, at$);
            for (const key of Object.keys(branch)) if (key !== 'predicate' && key !== 'as') fail(`${at$}.${key}`, 'unknown field (expected predicate, as)');
            return { predicate: functionRef(branch.predicate, 'predicate', `${at$}.predicate`), as: fields.string(branch.as, `${at$}.as`) };
          });
          const defaultAs = args.default === undefined ? undefined : fields.string(args.default, `${field}.default`);
          const prefix = named$.name ?? '';
          const streams = stream.split(
            branches.map((branch) => ({ predicate: branch.predicate, name: branch.as })),
            { ...(prefix ? { name: prefix } : {}), ...(defaultAs ? { defaultBranch: defaultAs } : {}) },
          );
          const outputs = [...streams.values()];
          [...branches.map((branch) => branch.as), ...(defaultAs ? [defaultAs] : [])].forEach((as, index) => {
            if (named.has(as)) fail(`${field}`, `the name '${as}' is already used`);
            named.set(as, outputs[index]);
          });
          return undefined;
        }
        case 'process':
        case 'processValues': {
          const plugin = resolvePlugin(fields.string(args.plugin, `${field}.plugin`), origin, fields.path(`${field}.plugin`));
          const supplier = new PluginProcessorSupplier(plugin, fields.config(args.config, `${field}.config`));
          const stores = args.stores === undefined ? [] : fields.strings(args.stores, `${field}.stores`);
          return stepName === 'process' ? stream.process(supplier, stores, named$) : stream.processValues(supplier, stores, named$);
        }
        case 'toTable': return stream.toTable({ ...withSerdes$, ...(args.store === undefined ? {} : { store: fields.string(args.store, `${field}.store`) }) });
        case 'groupByKey': return stream.groupByKey(withSerdes$);
        case 'groupBy': return stream.groupBy(f('selector'), withSerdes$);
        case 'join':
        case 'leftJoin':
        case 'outerJoin': {
          if ([args.table, args.globalTable, args.stream].filter((entry) => entry !== undefined).length !== 1) fail(field, 'needs table (a stream-table join), globalTable (with keySelector) or stream (a stream-stream join)');
          const joinSerdes = { ...withSerdes$, ...(otherValueSerde ? { otherValueSerde } : {}) };
          if (args.globalTable !== undefined) {
            for (const key of ['difference', 'before', 'after', 'grace']) if (args[key] !== undefined) fail(`${field}.${key}`, 'a stream-global table join has no window');
            for (const key of ['keySerde', 'valueSerde', 'otherValueSerde']) if (args[key] !== undefined) fail(`${field}.${key}`, 'a stream-global table join writes nothing: it has no serdes (the global table has its own, beside globalTable:)');
            if (stepName === 'outerJoin') fail(field, 'a stream-global table join is inner or left (join, leftJoin)');
            if (args.keySelector === undefined) fail(field, 'a stream-global table join needs keySelector (the global table key of each record)');
            const target = named.get(fields.string(args.globalTable, `${field}.globalTable`));
            if (!(target instanceof GlobalKTable)) fail(`${field}.globalTable`, `'${String(args.globalTable)}' is not the name (as:) of an earlier global table`);
            const global = target as GlobalKTable;
            return stepName === 'join' ? stream.joinGlobal(global, f('keySelector'), f('joiner'), named$) : stream.leftJoinGlobal(global, f('keySelector'), f('joiner'), named$);
          }
          if (args.keySelector !== undefined) fail(`${field}.keySelector`, 'only a stream-global table join has a keySelector');
          if (args.table !== undefined) {
            for (const key of ['difference', 'before', 'after', 'grace']) if (args[key] !== undefined) fail(`${field}.${key}`, 'a stream-table join has no window');
            if (stepName === 'outerJoin') fail(field, 'a stream-table join is inner or left (join, leftJoin)');
            const table = reference('table', 'table') as KTable;
            return stepName === 'join' ? stream.join(table, f('joiner'), joinSerdes) : stream.leftJoin(table, f('joiner'), joinSerdes);
          }
          const difference = ms('difference');
          const before = ms('before') ?? difference;
          const after = ms('after') ?? difference;
          if (before === undefined || after === undefined) fail(field, 'a stream-stream join needs its window: difference (or before and after), and grace');
          const kind = stepName === 'join' ? 'inner' : stepName === 'leftJoin' ? 'left' : 'outer';
          try {
            return stream.joinStream(reference('stream', 'stream') as KStream, f('joiner'), { beforeMs: before!, afterMs: after!, graceMs: ms('grace') ?? 0 }, kind, joinSerdes);
          } catch (error) {
            return fail(field, (error as Error).message);
          }
        }
      }
    } else if (current instanceof KGroupedStream) {
      switch (stepName) {
        case 'windowedBy': return windowedBy(current);
        case 'count': return current.count(withSerdes$);
        case 'reduce': return current.reduce(f('reducer'), withSerdes$);
        case 'aggregate': return current.aggregate(f('initializer'), f('aggregator'), withSerdes$);
        case 'cogroup': {
          let cogrouped = current.cogroup(f('aggregator'));
          fields.list(args.with ?? [], `${field}.with`, false).forEach((item, index) => {
            const at$ = `${field}.with[${index}]`;
            const entry = fields.object(item, at$);
            for (const key of Object.keys(entry)) if (key !== 'grouped' && key !== 'aggregator') fail(`${at$}.${key}`, 'unknown field (expected grouped, aggregator)');
            const other = named.get(fields.string(entry.grouped, `${at$}.grouped`));
            if (!(other instanceof KGroupedStream)) fail(`${at$}.grouped`, `'${String(entry.grouped)}' is not the name (as:) of an earlier grouped stream`);
            cogrouped = cogrouped.cogroup(other as KGroupedStream, functionRef(entry.aggregator, 'aggregator', `${at$}.aggregator`));
          });
          return cogrouped;
        }
      }
    } else if (current instanceof CogroupedKStream) {
      if (stepName === 'aggregate') return current.aggregate(f('initializer'), withSerdes$);
      if (stepName === 'windowedBy') return windowedBy(current);
    } else if (current instanceof WindowedCogroupedKStream) {
      if (stepName === 'aggregate') {
        if (current.needsMerger && args.merger === undefined) fail(`${field}.merger`, 'a session-windowed cogroup aggregates with a merger (required)');
        if (!current.needsMerger && args.merger !== undefined) fail(`${field}.merger`, 'only session windows merge (this cogroup is not session-windowed)');
        try {
          return current.aggregate(f('initializer'), { ...store, merger: args.merger === undefined ? undefined : f('merger') });
        } catch (error) {
          return fail(field, (error as Error).message);
        }
      }
    } else if (current instanceof SessionWindowedKStream) {
      switch (stepName) {
        case 'count': return current.count(store);
        case 'reduce': return current.reduce(f('reducer'), store);
        case 'aggregate': return current.aggregate(f('initializer'), f('aggregator'), f('merger'), store);
      }
    } else if (current && !(current instanceof GlobalKTable)) {
      const windowed: Windowed = current;
      switch (stepName) {
        case 'count': return windowed.count(store);
        case 'reduce': return windowed.reduce(f('reducer'), store);
        case 'aggregate': return windowed.aggregate(f('initializer'), f('aggregator'), store);
      }
    }
    return fail(at, `step '${stepName}' is declared but not wired`);
  }
}
