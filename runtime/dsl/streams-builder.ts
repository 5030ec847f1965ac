// The Streams DSL as a TypeScript API (Kafka Streams' StreamsBuilder, KStream,
// KGroupedStream, TimeWindowedKStream, KTable), compiled onto the engine's
// TopologyBuilder. The YAML DSL (dsl-document.ts) calls the same API, so
// both ways of writing a topology give one Topology.
//
// Owns: the logical steps and their names (Kafka Streams' defaults: an
// operator prefix and a topology-wide counter, `KSTREAM-FILTER-0000000001`;
// every step can be named instead), when a key change makes a grouping or a
// join read through a repartition topic (`<application.id>-<name>-repartition`,
// written after dropping null keys, read by a new source — the split into
// sub-topologies follows from it), and the stores each stateful step declares.
// Must never: build a topology other than through TopologyBuilder, or run
// anything (functions are referenced, not called).

import { ConfigError } from '../errors.ts';
import type { FunctionRef } from '../processor/functions.ts';
import type { ProcessorSupplier } from '../processor/processor.ts';
import type { StoreSpec } from '../state/store-spec.ts';
import type { TimestampExtractorName } from '../time/timestamp-extractor.ts';
import { Topology, TopologyBuilder } from '../topology/topology.ts';
import { aggregateSupplier, windowAggregateSupplier, type TimeWindowsSpec } from './aggregate-operators.ts';
import type { AggregationSpec } from './aggregations.ts';
import {
  dropNullKeysSupplier,
  filterSupplier,
  flatMapSupplier,
  flatMapValuesSupplier,
  mapSupplier,
  mapValuesSupplier,
  passThroughSupplier,
  peekSupplier,
  selectKeySupplier,
} from './stream-operators.ts';
import { streamTableJoinSupplier, tableSourceSupplier } from './table-operators.ts';

/** A step's optional name (Kafka Streams' Named / Materialized.as / Grouped.as). */
export interface Named {
  name?: string;
}

export interface StreamsBuilderOptions {
  /** Prefixes repartition topics, as Kafka Streams' application.id. */
  applicationId?: string;
}

export class StreamsBuilder {
  readonly topology = new TopologyBuilder();
  private index = 0;
  private readonly applicationId: string;
  private readonly usedTopics = new Set<string>();

  constructor(options: StreamsBuilderOptions = {}) {
    this.applicationId = options.applicationId ?? 'eddy';
  }

  /** Kafka Streams' generated names: prefix + a counter shared by every step and store. */
  nextName(prefix: string, given?: string): string {
    if (given !== undefined) return given;
    return `${prefix}${String(this.index++).padStart(10, '0')}`;
  }

  stream(topics: string | string[], options: Named & { timestampExtractor?: TimestampExtractorName } = {}): KStream {
    const list = typeof topics === 'string' ? [topics] : topics;
    const name = this.nextName('KSTREAM-SOURCE-', options.name);
    this.topology.addSourceWith(name, options.timestampExtractor ? { timestampExtractor: options.timestampExtractor } : {}, ...list);
    for (const topic of list) this.usedTopics.add(topic);
    return new KStream(this, name, false);
  }

  /** A table read from `topic` (materialized in a store, `options.store` or a generated name). */
  table(topic: string, options: Named & { store?: string; timestampExtractor?: TimestampExtractorName } = {}): KTable {
    const source = this.nextName('KSTREAM-SOURCE-', options.name ? `${options.name}-source` : undefined);
    const store = options.store ?? this.nextName(`${topic}-STATE-STORE-`);
    const processor = this.nextName('KTABLE-SOURCE-', options.name);
    this.topology.addSourceWith(source, options.timestampExtractor ? { timestampExtractor: options.timestampExtractor } : {}, topic);
    this.usedTopics.add(topic);
    this.addProcessor(processor, tableSourceSupplier(store), [source], [store]);
    return new KTable(this, processor, store);
  }

  build(): Topology {
    return this.topology.build();
  }

  /** @internal */
  addProcessor(name: string, supplier: ProcessorSupplier, parents: string[], stores: Array<string | StoreSpec> = []): void {
    this.topology.addProcessor(name, supplier, {}, ...parents);
    for (const store of stores) this.topology.addStateStore(store, name);
  }

  /** @internal The full name of an internal (repartition) topic. */
  internalTopic(name: string): string {
    const topic = `${this.applicationId}-${name}-repartition`;
    if (this.usedTopics.has(topic)) throw new ConfigError(`the repartition topic '${topic}' is used twice: name the steps (name:) so their topics differ`);
    this.usedTopics.add(topic);
    return topic;
  }
}

export class KStream {
  constructor(
    private readonly builder: StreamsBuilder,
    /** The node whose output this stream is. */
    readonly node: string,
    /** True after a step that may have changed keys (a grouping or join then repartitions). */
    readonly keyChanged: boolean,
  ) {}

  private step(prefix: string, supplier: ProcessorSupplier, options: Named, keyChanged: boolean): KStream {
    const name = this.builder.nextName(prefix, options.name);
    this.builder.addProcessor(name, supplier, [this.node]);
    return new KStream(this.builder, name, keyChanged);
  }

  filter(predicate: FunctionRef<'predicate'>, options: Named = {}): KStream {
    return this.step('KSTREAM-FILTER-', filterSupplier(predicate, false), options, this.keyChanged);
  }

  filterNot(predicate: FunctionRef<'predicate'>, options: Named = {}): KStream {
    return this.step('KSTREAM-FILTER-', filterSupplier(predicate, true), options, this.keyChanged);
  }

  map(mapper: FunctionRef<'key-value-mapper'>, options: Named = {}): KStream {
    return this.step('KSTREAM-MAP-', mapSupplier(mapper), options, true);
  }

  mapValues(mapper: FunctionRef<'value-mapper'>, options: Named = {}): KStream {
    return this.step('KSTREAM-MAPVALUES-', mapValuesSupplier(mapper), options, this.keyChanged);
  }

  selectKey(selector: FunctionRef<'key-selector'>, options: Named = {}): KStream {
    return this.step('KSTREAM-KEY-SELECT-', selectKeySupplier(selector), options, true);
  }

  flatMap(mapper: FunctionRef<'flat-mapper'>, options: Named = {}): KStream {
    return this.step('KSTREAM-FLATMAP-', flatMapSupplier(mapper), options, true);
  }

  flatMapValues(mapper: FunctionRef<'flat-value-mapper'>, options: Named = {}): KStream {
    return this.step('KSTREAM-FLATMAPVALUES-', flatMapValuesSupplier(mapper), options, this.keyChanged);
  }

  peek(action: FunctionRef<'action'>, options: Named = {}): KStream {
    return this.step('KSTREAM-PEEK-', peekSupplier(action, true), options, this.keyChanged);
  }

  foreach(action: FunctionRef<'action'>, options: Named = {}): void {
    this.step('KSTREAM-FOREACH-', peekSupplier(action, false), options, this.keyChanged);
  }

  merge(other: KStream, options: Named = {}): KStream {
    const name = this.builder.nextName('KSTREAM-MERGE-', options.name);
    this.builder.addProcessor(name, passThroughSupplier('KSTREAM-MERGE'), [this.node, other.node]);
    return new KStream(this.builder, name, this.keyChanged || other.keyChanged);
  }

  /** Writes every record to `topic`. */
  to(topic: string, options: Named = {}): void {
    const name = this.builder.nextName('KSTREAM-SINK-', options.name);
    this.builder.topology.addSink(name, topic, this.node);
  }

  /** Reads the stream through a repartition topic of its own (partitioned by the current key). */
  repartition(options: Named = {}): KStream {
    const name = this.builder.nextName('KSTREAM-REPARTITION-', options.name);
    return this.throughRepartition(name);
  }

  /** @internal Writes through `<application.id>-<name>-repartition` and reads it back. */
  throughRepartition(baseName: string): KStream {
    const topic = this.builder.internalTopic(baseName);
    const filter = `${baseName}-repartition-filter`;
    this.builder.addProcessor(filter, dropNullKeysSupplier(), [this.node]);
    const sink = `${baseName}-repartition-sink`;
    this.builder.topology.addSink(sink, topic, filter);
    const source = `${baseName}-repartition-source`;
    this.builder.topology.addSource(source, topic);
    return new KStream(this.builder, source, false);
  }

  groupByKey(options: Named = {}): KGroupedStream {
    return new KGroupedStream(this.builder, this, options.name);
  }

  groupBy(selector: FunctionRef<'key-selector'>, options: Named = {}): KGroupedStream {
    const name = this.builder.nextName('KSTREAM-KEY-SELECT-', undefined);
    this.builder.addProcessor(name, selectKeySupplier(selector), [this.node]);
    return new KGroupedStream(this.builder, new KStream(this.builder, name, true), options.name);
  }

  /** Joins each record with the table's current value for its key (inner: only when there is one). */
  join(table: KTable, joiner: FunctionRef<'value-joiner'>, options: Named = {}): KStream {
    return this.joinTable(table, joiner, false, options);
  }

  leftJoin(table: KTable, joiner: FunctionRef<'value-joiner'>, options: Named = {}): KStream {
    return this.joinTable(table, joiner, true, options);
  }

  private joinTable(table: KTable, joiner: FunctionRef<'value-joiner'>, left: boolean, options: Named): KStream {
    const stream = this.keyChanged ? this.throughRepartition(this.builder.nextName('KSTREAM-KEY-SELECT-', options.name ? `${options.name}-left` : undefined)) : this;
    const name = this.builder.nextName('KSTREAM-JOIN-', options.name);
    this.builder.addProcessor(name, streamTableJoinSupplier(table.store, joiner, left), [stream.node], [table.store]);
    return new KStream(this.builder, name, false);
  }
}

export class KGroupedStream {
  constructor(
    private readonly builder: StreamsBuilder,
    private readonly stream: KStream,
    /** Grouped.as: names the repartition topic. */
    private readonly groupName: string | undefined,
  ) {}

  count(options: Named = {}): KTable {
    return this.aggregateWith({ kind: 'count' }, 'KSTREAM-AGGREGATE-', options);
  }

  reduce(reducer: FunctionRef<'reducer'>, options: Named = {}): KTable {
    return this.aggregateWith({ kind: 'reduce', reducer }, 'KSTREAM-REDUCE-', options);
  }

  aggregate(initializer: FunctionRef<'initializer'>, aggregator: FunctionRef<'aggregator'>, options: Named = {}): KTable {
    return this.aggregateWith({ kind: 'aggregate', initializer, aggregator }, 'KSTREAM-AGGREGATE-', options);
  }

  windowedBy(windows: TimeWindowsSpec): TimeWindowedKStream {
    if (!(windows.sizeMs > 0) || !(windows.advanceMs > 0) || windows.advanceMs > windows.sizeMs || !(windows.graceMs >= 0)) {
      throw new ConfigError(`time windows need size > 0, 0 < advance ≤ size and grace ≥ 0 (got size ${windows.sizeMs}, advance ${windows.advanceMs}, grace ${windows.graceMs})`);
    }
    return new TimeWindowedKStream(this.builder, this, windows);
  }

  /** @internal The stream to aggregate: through a repartition topic when keys changed. */
  input(store: string): KStream {
    return this.stream.keyChanged ? this.stream.throughRepartition(this.groupName ?? store) : this.stream;
  }

  private aggregateWith(spec: AggregationSpec, prefix: string, options: Named): KTable {
    const store = this.builder.nextName(`${prefix}STATE-STORE-`, options.name);
    const input = this.input(store);
    const name = this.builder.nextName(prefix, undefined);
    this.builder.addProcessor(name, aggregateSupplier(store, spec), [input.node], [store]);
    return new KTable(this.builder, name, store);
  }
}

export class TimeWindowedKStream {
  constructor(
    private readonly builder: StreamsBuilder,
    private readonly grouped: KGroupedStream,
    private readonly windows: TimeWindowsSpec,
  ) {}

  count(options: Named & { retentionMs?: number } = {}): KTable {
    return this.aggregateWith({ kind: 'count' }, 'KSTREAM-AGGREGATE-', options);
  }

  reduce(reducer: FunctionRef<'reducer'>, options: Named & { retentionMs?: number } = {}): KTable {
    return this.aggregateWith({ kind: 'reduce', reducer }, 'KSTREAM-REDUCE-', options);
  }

  aggregate(initializer: FunctionRef<'initializer'>, aggregator: FunctionRef<'aggregator'>, options: Named & { retentionMs?: number } = {}): KTable {
    return this.aggregateWith({ kind: 'aggregate', initializer, aggregator }, 'KSTREAM-AGGREGATE-', options);
  }

  private aggregateWith(spec: AggregationSpec, prefix: string, options: Named & { retentionMs?: number }): KTable {
    const store = this.builder.nextName(`${prefix}STATE-STORE-`, options.name);
    const minimum = this.windows.sizeMs + this.windows.graceMs;
    const retentionMs = options.retentionMs ?? minimum;
    if (retentionMs < minimum) throw new ConfigError(`window store '${store}': retention ${retentionMs} ms is less than window size + grace (${minimum} ms)`);
    const input = this.grouped.input(store);
    const name = this.builder.nextName(prefix, undefined);
    const spec$: StoreSpec = { name: store, kind: 'window', retentionMs, windowSizeMs: this.windows.sizeMs, retainDuplicates: false };
    this.builder.addProcessor(name, windowAggregateSupplier(store, this.windows, spec), [input.node], [spec$]);
    return new KTable(this.builder, name, store);
  }
}

export class KTable {
  constructor(
    private readonly builder: StreamsBuilder,
    readonly node: string,
    /** The store holding the table (joins look values up in it). */
    readonly store: string,
  ) {}

  /** The table's updates as a stream. */
  toStream(options: Named = {}): KStream {
    const name = this.builder.nextName('KTABLE-TOSTREAM-', options.name);
    this.builder.addProcessor(name, passThroughSupplier('KTABLE-TOSTREAM'), [this.node]);
    return new KStream(this.builder, name, false);
  }
}
