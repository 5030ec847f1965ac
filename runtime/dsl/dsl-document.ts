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
// Owns: the document's schema — each step's name (Kafka Streams' method
// name), its arguments (a function reference, a topic, a stream's name, or a
// mapping with the step's fields, `name` always allowed), which steps apply
// to a stream, a grouped stream, a windowed stream or a table — and errors
// that name the file and the field path.
// Must never: build a topology other than through StreamsBuilder.

import { ConfigError } from '../errors.ts';
import type { FunctionKind, FunctionRef, FunctionSource } from '../processor/functions.ts';
import { PluginFunctionSource } from '../plugin/plugin-functions.ts';
import { timestampExtractorByName, type TimestampExtractorName } from '../time/timestamp-extractor.ts';
import { FieldReader, type DocumentOrigin } from '../topology/document-fields.ts';
import { resolvePlugin } from '../topology/plugin-reference.ts';
import type { Topology } from '../topology/topology.ts';
import { KGroupedStream, KStream, KTable, SessionWindowedKStream, SlidingWindowedKStream, StreamsBuilder, TimeWindowedKStream } from './streams-builder.ts';

type Windowed = TimeWindowedKStream | SlidingWindowedKStream;
type Current = KStream | KGroupedStream | Windowed | SessionWindowedKStream | KTable | undefined;

/** One step's declaration: what it applies to, its argument fields, and which is the shorthand. */
interface StepSchema {
  on: Array<'stream' | 'grouped' | 'windowed' | 'session' | 'table'>;
  /** Argument fields and what each holds; the first is what a plain string means. */
  fields: Record<string, FunctionKind | 'topic' | 'stream' | 'table' | 'milliseconds' | 'name'>;
  required: string[];
}

const fn = (kind: FunctionKind, field: string): StepSchema['fields'] => ({ [field]: kind, name: 'name' });

export const dslSteps: Record<string, StepSchema> = {
  filter: { on: ['stream'], fields: fn('predicate', 'predicate'), required: ['predicate'] },
  filterNot: { on: ['stream'], fields: fn('predicate', 'predicate'), required: ['predicate'] },
  map: { on: ['stream'], fields: fn('key-value-mapper', 'mapper'), required: ['mapper'] },
  mapValues: { on: ['stream'], fields: fn('value-mapper', 'mapper'), required: ['mapper'] },
  selectKey: { on: ['stream'], fields: fn('key-selector', 'selector'), required: ['selector'] },
  flatMap: { on: ['stream'], fields: fn('flat-mapper', 'mapper'), required: ['mapper'] },
  flatMapValues: { on: ['stream'], fields: fn('flat-value-mapper', 'mapper'), required: ['mapper'] },
  peek: { on: ['stream'], fields: fn('action', 'action'), required: ['action'] },
  foreach: { on: ['stream'], fields: fn('action', 'action'), required: ['action'] },
  merge: { on: ['stream'], fields: { with: 'stream', name: 'name' }, required: ['with'] },
  to: { on: ['stream'], fields: { topic: 'topic', name: 'name' }, required: ['topic'] },
  repartition: { on: ['stream'], fields: { name: 'name' }, required: [] },
  groupByKey: { on: ['stream'], fields: { name: 'name' }, required: [] },
  groupBy: { on: ['stream'], fields: fn('key-selector', 'selector'), required: ['selector'] },
  join: { on: ['stream'], fields: { table: 'table', joiner: 'value-joiner', name: 'name' }, required: ['table', 'joiner'] },
  leftJoin: { on: ['stream'], fields: { table: 'table', joiner: 'value-joiner', name: 'name' }, required: ['table', 'joiner'] },
  windowedBy: { on: ['grouped'], fields: { size: 'milliseconds', advance: 'milliseconds', grace: 'milliseconds', gap: 'milliseconds', sliding: 'milliseconds' }, required: [] },
  count: { on: ['grouped', 'windowed', 'session'], fields: { name: 'name', retention: 'milliseconds' }, required: [] },
  reduce: { on: ['grouped', 'windowed', 'session'], fields: { reducer: 'reducer', name: 'name', retention: 'milliseconds' }, required: ['reducer'] },
  aggregate: {
    on: ['grouped', 'windowed', 'session'],
    fields: { initializer: 'initializer', aggregator: 'aggregator', merger: 'merger', name: 'name', retention: 'milliseconds' },
    required: ['initializer', 'aggregator'],
  },
  toStream: { on: ['table'], fields: { name: 'name' }, required: [] },
  suppress: { on: ['table'], fields: { until: 'name', name: 'name' }, required: ['until'] },
};

const sourceFields = ['stream', 'table', 'from', 'steps', 'as', 'name', 'store', 'timestamp.extractor'];

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
  for (const key of Object.keys(dsl)) if (key !== 'functions' && key !== 'streams') fail(key, `unknown field (expected functions, streams)`);
  const sources = new Map<string, FunctionSource>();
  for (const [name, entry] of Object.entries(fields.object(dsl.functions ?? {}, 'functions'))) {
    const at = `functions.${name}`;
    const declaration = typeof entry === 'string' ? { plugin: entry } : fields.object(entry, at);
    for (const key of Object.keys(declaration)) if (!['plugin', 'config', 'limits'].includes(key)) fail(`${at}.${key}`, 'unknown field (expected plugin, config, limits)');
    const plugin = resolvePlugin(fields.string(declaration.plugin, `${at}.plugin`), origin, fields.path(`${at}.plugin`));
    sources.set(name, new PluginFunctionSource(plugin, fields.config(declaration.config, `${at}.config`), fields.limits(declaration.limits, `${at}.limits`)));
  }
  const builder = new StreamsBuilder(origin.applicationId ? { applicationId: origin.applicationId } : {});
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
    const starts = ['stream', 'table', 'from'].filter((key) => pipeline[key] !== undefined);
    if (starts.length !== 1) fail(at, 'needs exactly one of stream (topics), table (a topic) or from (an earlier stream\'s `as`)');
    const extractorName = pipeline['timestamp.extractor'] === undefined ? undefined : fields.string(pipeline['timestamp.extractor'], `${at}.timestamp.extractor`);
    if (extractorName !== undefined && !timestampExtractorByName(extractorName)) fail(`${at}.timestamp.extractor`, `unknown timestamp extractor '${extractorName}'`);
    const extractor = extractorName as TimestampExtractorName | undefined;
    const name = pipeline.name === undefined ? undefined : fields.string(pipeline.name, `${at}.name`);
    let current: Current;
    if (pipeline.stream !== undefined) {
      const topics = typeof pipeline.stream === 'string' ? [pipeline.stream] : fields.strings(pipeline.stream, `${at}.stream`);
      current = builder.stream(topics, { ...(name ? { name } : {}), ...(extractor ? { timestampExtractor: extractor } : {}) });
    } else if (pipeline.table !== undefined) {
      const store = pipeline.store === undefined ? undefined : fields.string(pipeline.store, `${at}.store`);
      current = builder.table(fields.string(pipeline.table, `${at}.table`), { ...(name ? { name } : {}), ...(store ? { store } : {}), ...(extractor ? { timestampExtractor: extractor } : {}) });
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

  function applyStep(current: Current, step: unknown, at: string): Current {
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
    const schema = dslSteps[stepName];
    if (!schema) fail(at, `unknown step '${stepName}' (steps: ${Object.keys(dslSteps).join(', ')})`);
    const field = `${at}.${stepName}`;
    const kind =
      current instanceof KStream ? 'stream'
      : current instanceof KGroupedStream ? 'grouped'
      : current instanceof TimeWindowedKStream || current instanceof SlidingWindowedKStream ? 'windowed'
      : current instanceof SessionWindowedKStream ? 'session'
      : current instanceof KTable ? 'table'
      : undefined;
    if (!kind || !schema!.on.includes(kind)) fail(at, `'${stepName}' applies to a ${schema!.on.join(' or ')}, not to ${kind ? `a ${kind}` : 'nothing (the stream ended)'}`);
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
    const retention = ms('retention');
    const store = { ...named$, ...(retention !== undefined ? { retentionMs: retention } : {}) };
    const reference = (key: string, expect: 'stream' | 'table'): KStream | KTable => {
      const target = named.get(fields.string(args[key], `${field}.${key}`));
      if (expect === 'stream' && target instanceof KStream) return target;
      if (expect === 'table' && target instanceof KTable) return target;
      return fail(`${field}.${key}`, `'${String(args[key])}' is not the name (as:) of an earlier ${expect}`);
    };
    const stream = current as KStream;
    switch (stepName) {
      case 'filter': return stream.filter(get('predicate', 'predicate'), named$);
      case 'filterNot': return stream.filterNot(get('predicate', 'predicate'), named$);
      case 'map': return stream.map(get('mapper', 'key-value-mapper'), named$);
      case 'mapValues': return stream.mapValues(get('mapper', 'value-mapper'), named$);
      case 'selectKey': return stream.selectKey(get('selector', 'key-selector'), named$);
      case 'flatMap': return stream.flatMap(get('mapper', 'flat-mapper'), named$);
      case 'flatMapValues': return stream.flatMapValues(get('mapper', 'flat-value-mapper'), named$);
      case 'peek': return stream.peek(get('action', 'action'), named$);
      case 'foreach': stream.foreach(get('action', 'action'), named$); return undefined;
      case 'merge': return stream.merge(reference('with', 'stream') as KStream, named$);
      case 'to': stream.to(fields.string(args.topic, `${field}.topic`), named$); return undefined;
      case 'repartition': return stream.repartition(named$);
      case 'groupByKey': return stream.groupByKey(named$);
      case 'groupBy': return stream.groupBy(get('selector', 'key-selector'), named$);
      case 'join': return stream.join(reference('table', 'table') as KTable, get('joiner', 'value-joiner'), named$);
      case 'leftJoin': return stream.leftJoin(reference('table', 'table') as KTable, get('joiner', 'value-joiner'), named$);
      case 'windowedBy': {
        const size = ms('size');
        const gap = ms('gap');
        const sliding = ms('sliding');
        if ([size, gap, sliding].filter((entry) => entry !== undefined).length !== 1) {
          fail(field, 'needs one of size (time windows: size, advance, grace), gap (session windows: gap, grace) or sliding (sliding windows: the time difference, grace)');
        }
        if (size === undefined && args.advance !== undefined) fail(`${field}.advance`, 'only time windows (size) have an advance');
        try {
          const grouped = current as KGroupedStream;
          if (gap !== undefined) return grouped.windowedBySession({ gapMs: gap, graceMs: ms('grace') ?? 0 });
          if (sliding !== undefined) return grouped.windowedBySliding({ differenceMs: sliding, graceMs: ms('grace') ?? 0 });
          return grouped.windowedBy({ sizeMs: size!, advanceMs: ms('advance') ?? size!, graceMs: ms('grace') ?? 0 });
        } catch (error) {
          return fail(field, (error as Error).message);
        }
      }
      case 'count': return (current as KGroupedStream | Windowed | SessionWindowedKStream).count(store);
      case 'reduce': return (current as KGroupedStream | Windowed | SessionWindowedKStream).reduce(get('reducer', 'reducer'), store);
      case 'aggregate': {
        if (current instanceof SessionWindowedKStream) {
          if (args.merger === undefined) fail(field, 'needs merger (session windows merge the aggregates of sessions a record joins)');
          return current.aggregate(get('initializer', 'initializer'), get('aggregator', 'aggregator'), get('merger', 'merger'), store);
        }
        if (args.merger !== undefined) fail(`${field}.merger`, 'only session-windowed aggregations take a merger');
        return (current as KGroupedStream | Windowed).aggregate(get('initializer', 'initializer'), get('aggregator', 'aggregator'), store);
      }
      case 'toStream': return (current as KTable).toStream(named$);
      case 'suppress': {
        if (args.until !== 'window-closes') fail(`${field}.until`, "only 'window-closes' is supported (Suppressed.untilWindowCloses)");
        try {
          return (current as KTable).suppressUntilWindowCloses(named$);
        } catch (error) {
          return fail(field, (error as Error).message);
        }
      }
    }
    return fail(at, `step '${stepName}' is declared but not wired`);
  }
}
