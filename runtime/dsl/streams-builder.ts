// The Streams DSL as a TypeScript API (Kafka Streams' StreamsBuilder, KStream,
// KGroupedStream, TimeWindowedKStream, KTable), compiled onto the engine's
// TopologyBuilder. The YAML DSL (dsl-document.ts) calls the same API, so
// both ways of writing a topology give one Topology.
//
// Owns: the logical steps and their names (Kafka Streams' defaults: an
// operator prefix and a topology-wide counter, `KSTREAM-FILTER-0000000001`;
// every step can be named instead), when a key change makes a grouping or a
// join read through a repartition topic (`<application.id>-<name>-repartition`,
// null keys included, read by a new source — the split into
// sub-topologies follows from it), the stores each stateful step declares,
// and which serdes apply at each step (Consumed, Produced, Grouped,
// Repartitioned, Materialized, Joined/StreamJoined — checked by step-serdes.ts),
// with the application's default serdes (default.key.serde,
// default.value.serde) filling in where Kafka Streams falls back to them: a
// step's own serde, else the one its stream carries (Kafka Streams' inherited
// serdes: a source's, kept by key- or value-preserving steps, a table's),
// else the default. With no default set, only a step's own serdes apply.
// Must never: build a topology other than through TopologyBuilder, or run
// anything (functions are referenced, not called).

import { readLong } from '../bytes.ts';
import { ConfigError } from '../errors.ts';
import type { FunctionRef } from '../processor/functions.ts';
import type { ProcessorSupplier, TimestampExtractorSupplier } from '../processor/processor.ts';
import { timestampedKeyValueSpec, type StoreSpec } from '../state/store-spec.ts';
import type { TimestampExtractorName } from '../time/timestamp-extractor.ts';
import { Topology, TopologyBuilder } from '../topology/topology.ts';
import { aggregateSupplier, windowAggregateSupplier, type TimeWindowsSpec } from './aggregate-operators.ts';
import { suppressSupplier, unboundedBuffer, type BufferLimits, type Suppression, type WindowClosing } from './suppress-operator.ts';
import { joinWindowSupplier, SharedJoinTime, streamJoinSupplier, type JoinWindowsSpec } from './stream-join-operators.ts';
import { slidingAggregateSupplier, type SlidingWindowsSpec } from './sliding-aggregate-operator.ts';
import { sessionAggregateSupplier, type SessionAggregationSpec, type SessionWindowsSpec } from './session-aggregate-operator.ts';
import type { AggregationSpec } from './aggregations.ts';
import { FixedKeySupplier } from './fixed-key-processor.ts';
import type { OperatorSupplier } from './operator-supplier.ts';
import { checkedSupplier, DeserializingTimestampExtractor, hasSerdes, SerdeConfigError, type DeserializationHandler, type StepSerdes } from './step-serdes.ts';
import { longSerde, sessionWindowedSerde, timeWindowedSerde, type Serde } from '../serde/serdes.ts';
import { foreignTableJoinSupplier, responseJoinSupplier, subscriptionJoinSupplier, subscriptionSendSupplier } from './foreign-key-join.ts';
import {
  branchSupplier,
  filterSupplier,
  flatMapSupplier,
  flatMapValuesSupplier,
  mapSupplier,
  mapValuesSupplier,
  passThroughSupplier,
  peekSupplier,
  selectKeySupplier,
  topicExtractorSupplier,
} from './stream-operators.ts';
import { TableFlags } from './change.ts';
import {
  streamGlobalTableJoinSupplier,
  streamTableJoinSupplier,
  tableAggregateSupplier,
  tableFilterSupplier,
  tableGroupBySupplier,
  tableJoinSupplier,
  tableMapValuesSupplier,
  tableSourceSupplier,
  tableToStreamSupplier,
  type TableAggregationSpec,
  type TableJoinKind,
  type TableView,
} from './table-operators.ts';

/** A step's optional name (Kafka Streams' Named / Materialized.as / Grouped.as). */
export interface Named {
  name?: string;
}

export interface StreamsBuilderOptions {
  /** Prefixes repartition topics, as Kafka Streams' application.id. */
  applicationId?: string;
  /** What a source record its serde cannot read does (Kafka Streams' deserialization.exception.handler); default log-and-fail. */
  deserializationExceptionHandler?: DeserializationHandler;
  /** Kafka Streams' default.key.serde: the key serde of a source, sink, repartition topic or store that sets none (and its stream carries none). Unset: none is checked. */
  defaultKeySerde?: Serde<unknown>;
  /** Kafka Streams' default.value.serde, as defaultKeySerde for values (a count's values stay Longs). */
  defaultValueSerde?: Serde<unknown>;
}

export type { StepSerdes } from './step-serdes.ts';

/** Serdes of a join (Kafka Streams' Joined / StreamJoined): the key, this stream's values and the other side's. */
export interface JoinSerdes extends StepSerdes {
  otherValueSerde?: Serde<unknown>;
}

/** A source's options: its name, timestamp extractor and serdes (Kafka Streams' Consumed). */
export type SourceOptions = Named & StepSerdes & { timestampExtractor?: TimestampExtractorName | TimestampExtractorSupplier };

export class StreamsBuilder {
  readonly topology = new TopologyBuilder();
  private index = 0;
  private readonly applicationId: string;
  private readonly usedTopics = new Set<string>();
  private readonly deserializationHandler: DeserializationHandler;
  /** @internal The application's default serdes; undefined when neither is set (then only a step's own serdes are checked). */
  readonly defaults: StepSerdes | undefined;

  constructor(options: StreamsBuilderOptions = {}) {
    this.applicationId = options.applicationId ?? 'eddy';
    this.deserializationHandler = options.deserializationExceptionHandler ?? 'log-and-fail';
    const defaults = serdesOf({ ...(options.defaultKeySerde ? { keySerde: options.defaultKeySerde } : {}), ...(options.defaultValueSerde ? { valueSerde: options.defaultValueSerde } : {}) });
    this.defaults = hasSerdes(defaults) ? defaults : undefined;
  }

  /**
   * @internal The serdes that apply at a step, as Kafka Streams picks them:
   * the step's own, else those its stream carries, else the defaults. With no
   * default set: the step's own only (nothing else is checked).
   */
  resolve(own: StepSerdes, carried: StepSerdes | undefined): StepSerdes {
    if (!this.defaults) return serdesOf(own);
    const keySerde = own.keySerde ?? carried?.keySerde ?? this.defaults.keySerde;
    const valueSerde = own.valueSerde ?? carried?.valueSerde ?? this.defaults.valueSerde;
    return { ...(keySerde ? { keySerde } : {}), ...(valueSerde ? { valueSerde } : {}) };
  }

  /** @internal The serdes a step's result carries (Kafka Streams' inherited serdes): the step's own, else its stream's — never the defaults. */
  known(own: StepSerdes, carried: StepSerdes): StepSerdes {
    const keySerde = own.keySerde ?? carried.keySerde;
    const valueSerde = own.valueSerde ?? carried.valueSerde;
    return { ...(keySerde ? { keySerde } : {}), ...(valueSerde ? { valueSerde } : {}) };
  }

  /** A source's extractor: with serdes (its own, else the defaults), it reads each record with them first (the deserialization exception handler decides on one it cannot read). */
  private sourceOptions(options: SourceOptions): { timestampExtractor?: TimestampExtractorName | TimestampExtractorSupplier } {
    const serdes = this.resolve(options, undefined);
    if (hasSerdes(serdes)) return { timestampExtractor: new DeserializingTimestampExtractor(serdes, this.deserializationHandler, options.timestampExtractor) };
    return options.timestampExtractor ? { timestampExtractor: options.timestampExtractor } : {};
  }

  /** Kafka Streams' generated names: prefix + a counter shared by every step and store. */
  nextName(prefix: string, given?: string): string {
    // A given name still takes its index (NamedInternal.orElseGenerateWithPrefix).
    const generated = `${prefix}${String(this.index++).padStart(10, '0')}`;
    return given ?? generated;
  }

  /** A store's name: a given one takes no index (Materialized.as); a generated one does. */
  storeName(prefix: string, given?: string): string {
    return given ?? this.nextName(`${prefix}STATE-STORE-`);
  }

  stream(topics: string | string[], options: SourceOptions = {}): KStream {
    const list = typeof topics === 'string' ? [topics] : topics;
    const name = this.nextName('KSTREAM-SOURCE-', options.name);
    this.topology.addSourceWith(name, this.sourceOptions(options), ...list);
    for (const topic of list) this.usedTopics.add(topic);
    return new KStream(this, name, false, serdesOf(options));
  }

  /** A table read from `topic` (materialized in a store, `options.store` or a generated name; the store holds the bytes its serdes read). */
  table(topic: string, options: SourceOptions & { store?: string } = {}): KTable {
    const store = this.storeName(`${topic}-`, options.store);
    const source = this.nextName('KSTREAM-SOURCE-', options.name ? `${options.name}-source` : undefined);
    const processor = this.nextName('KTABLE-SOURCE-', options.name);
    this.topology.addSourceWith(source, this.sourceOptions(options), topic);
    this.usedTopics.add(topic);
    const flags = new TableFlags();
    this.addProcessor(processor, tableSourceSupplier(store, flags), [source], [timestampedKeyValueSpec(store)]);
    return new KTable(this, processor, { store, steps: [] }, flags, undefined, serdesOf(options));
  }

  /**
   * A global table of `topic` (Kafka Streams' globalTable): every instance
   * keeps all of it, in a store fed from every partition of the topic (which
   * is the store's changelog). Streams join it through a key selector, with
   * no repartition and no co-partitioning.
   */
  globalTable(topic: string, options: SourceOptions & { store?: string } = {}): GlobalKTable {
    const store = this.storeName(`${topic}-`, options.store);
    const source = this.nextName('KSTREAM-SOURCE-', options.name ? `${options.name}-source` : undefined);
    const processor = this.nextName('KTABLE-SOURCE-', options.name);
    this.topology.addGlobalStore(timestampedKeyValueSpec(store), source, this.sourceOptions(options), topic, processor, tableSourceSupplier(store, new TableFlags()));
    this.usedTopics.add(topic);
    return new GlobalKTable(store);
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
    return this.internalTopicNamed(`${name}-repartition`);
  }

  /** @internal An internal topic `<application.id>-<name>`. */
  internalTopicNamed(name: string): string {
    const topic = `${this.applicationId}-${name}`;
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
    /** The serdes Kafka Streams knows for this stream's keys and values (a source's own, kept by steps that keep them); unset: unknown (the defaults apply where one is needed). */
    readonly serdes: StepSerdes = {},
  ) {}

  private step(prefix: string, supplier: ProcessorSupplier, options: Named, keyChanged: boolean, serdes: StepSerdes = {}): KStream {
    const name = this.builder.nextName(prefix, options.name);
    this.builder.addProcessor(name, supplier, [this.node]);
    return new KStream(this.builder, name, keyChanged, serdes);
  }

  private get keyOnly(): StepSerdes {
    return this.serdes.keySerde ? { keySerde: this.serdes.keySerde } : {};
  }

  filter(predicate: FunctionRef<'predicate'>, options: Named = {}): KStream {
    return this.step('KSTREAM-FILTER-', filterSupplier(predicate, false), options, this.keyChanged, this.serdes);
  }

  filterNot(predicate: FunctionRef<'predicate'>, options: Named = {}): KStream {
    return this.step('KSTREAM-FILTER-', filterSupplier(predicate, true), options, this.keyChanged, this.serdes);
  }

  map(mapper: FunctionRef<'key-value-mapper'>, options: Named = {}): KStream {
    return this.step('KSTREAM-MAP-', mapSupplier(mapper), options, true);
  }

  mapValues(mapper: FunctionRef<'value-mapper'>, options: Named = {}): KStream {
    return this.step('KSTREAM-MAPVALUES-', mapValuesSupplier(mapper), options, this.keyChanged, this.keyOnly);
  }

  selectKey(selector: FunctionRef<'key-selector'>, options: Named = {}): KStream {
    return this.step('KSTREAM-KEY-SELECT-', selectKeySupplier(selector), options, true, this.serdes.valueSerde ? { valueSerde: this.serdes.valueSerde } : {});
  }

  flatMap(mapper: FunctionRef<'flat-mapper'>, options: Named = {}): KStream {
    return this.step('KSTREAM-FLATMAP-', flatMapSupplier(mapper), options, true);
  }

  flatMapValues(mapper: FunctionRef<'flat-value-mapper'>, options: Named = {}): KStream {
    return this.step('KSTREAM-FLATMAPVALUES-', flatMapValuesSupplier(mapper), options, this.keyChanged, this.keyOnly);
  }

  peek(action: FunctionRef<'action'>, options: Named = {}): KStream {
    return this.step('KSTREAM-PEEK-', peekSupplier(action, true), options, this.keyChanged, this.serdes);
  }

  foreach(action: FunctionRef<'action'>, options: Named = {}): void {
    this.step('KSTREAM-FOREACH-', peekSupplier(action, false), options, this.keyChanged);
  }

  merge(other: KStream, options: Named = {}): KStream {
    const name = this.builder.nextName('KSTREAM-MERGE-', options.name);
    this.builder.addProcessor(name, passThroughSupplier('KSTREAM-MERGE'), [this.node, other.node]);
    return new KStream(this.builder, name, this.keyChanged || other.keyChanged);
  }

  /**
   * split(): branches in order, each a predicate; a record goes to the first
   * that passes, else to the default branch. Returns each branch's stream by
   * name (`<prefix><name>`, names default to the branch's position from 1, the
   * default branch's to `0`, as Kafka Streams' Branched).
   */
  split(branches: ReadonlyArray<{ predicate: FunctionRef<'predicate'>; name?: string }>, options: Named & { defaultBranch?: boolean | string } = {}): Map<string, KStream> {
    const name = this.builder.nextName('KSTREAM-BRANCH-', options.name);
    const prefix = options.name ?? name;
    const children = branches.map((branch, index) => ({ name: `${prefix}${branch.name ?? String(index + 1)}`, predicate: branch.predicate }));
    const defaultName = options.defaultBranch === undefined || options.defaultBranch === false ? undefined : `${prefix}${options.defaultBranch === true ? '0' : options.defaultBranch}`;
    this.builder.addProcessor(name, branchSupplier(children.map((child) => ({ child: child.name, predicate: child.predicate })), defaultName), [this.node]);
    const out = new Map<string, KStream>();
    for (const child of [...children.map((entry) => entry.name), ...(defaultName ? [defaultName] : [])]) {
      this.builder.addProcessor(child, passThroughSupplier('KSTREAM-BRANCHCHILD'), [name]);
      out.set(child, new KStream(this.builder, child, this.keyChanged, this.serdes));
    }
    return out;
  }

  /** process(): a Processor-API processor (e.g. a WebAssembly plugin) inside the DSL graph; it may change keys. */
  process(supplier: ProcessorSupplier, stores: string[] = [], options: Named = {}): KStream {
    const name = this.builder.nextName('KSTREAM-PROCESSOR-', options.name);
    this.builder.addProcessor(name, supplier, [this.node], stores);
    return new KStream(this.builder, name, true);
  }

  /** processValues(): like process(), but records keep their key. */
  processValues(supplier: ProcessorSupplier, stores: string[] = [], options: Named = {}): KStream {
    const name = this.builder.nextName('KSTREAM-PROCESSVALUES-', options.name);
    this.builder.addProcessor(name, new FixedKeySupplier(supplier), [this.node], stores);
    return new KStream(this.builder, name, this.keyChanged, this.keyOnly);
  }

  /**
   * Writes every record to `topic`; with serdes (Kafka Streams' Produced), a
   * node `<sink>-serdes` before the sink checks each record fits them.
   */
  to(topic: string, options: Named & StepSerdes = {}): void {
    const name = this.builder.nextName('KSTREAM-SINK-', options.name);
    let parent = this.node;
    const serdes = this.builder.resolve(options, this.serdes);
    if (hasSerdes(serdes)) {
      parent = `${name}-serdes`;
      this.builder.addProcessor(parent, checkedSupplier(passThroughSupplier('KSTREAM-SINK (serdes)'), serdes, 'sink', name), [this.node]);
    }
    this.builder.topology.addSink(name, topic, parent);
  }

  /** Writes each record to the topic `extractor` names for it (Kafka Streams' to(TopicNameExtractor)); the topics must exist. */
  toTopicOf(extractor: FunctionRef<'topic-name-extractor'>, options: Named & StepSerdes = {}): void {
    const name = this.builder.nextName('KSTREAM-SINK-', options.name);
    const chooser = `${name}-topic`;
    this.builder.addProcessor(chooser, checkedSupplier(topicExtractorSupplier(extractor), this.builder.resolve(options, this.serdes), 'sink', name), [this.node]);
    this.builder.topology.addPerRecordTopicSink(name, chooser);
  }

  /** Reads the stream through a repartition topic of its own (partitioned by the current key; Repartitioned's serdes check what it writes). */
  repartition(options: Named & StepSerdes & { partitions?: number } = {}): KStream {
    const name = this.builder.nextName('KSTREAM-REPARTITION-', options.name);
    return this.throughRepartition(name, options.partitions, this.builder.resolve(options, this.serdes), this.builder.known(options, this.serdes));
  }

  /** @internal Writes through `<application.id>-<name>-repartition` (checked against `serdes`, when given) and reads it back (a stream carrying `carried`). */
  throughRepartition(baseName: string, partitions?: number, serdes?: StepSerdes, carried: StepSerdes = {}): KStream {
    const topic = this.builder.internalTopic(baseName);
    if (partitions !== undefined) this.builder.topology.setRepartitionPartitions(topic, partitions);
    // Kafka Streams' names: generated ones when the base is, else <base>-repartition-<role>.
    const generated = /^KSTREAM.*-[0-9]{10}$/.test(baseName);
    const sink = this.builder.nextName('KSTREAM-SINK-', generated ? undefined : `${baseName}-repartition-sink`);
    const filter = this.builder.nextName('KSTREAM-FILTER-', generated ? undefined : `${baseName}-repartition-filter`);
    const source = this.builder.nextName('KSTREAM-SOURCE-', generated ? undefined : `${baseName}-repartition-source`);
    // Kafka Streams' filter before a repartition topic passes every record since KIP-962 (3.7), `(k, v) -> true`: a record with a
    // null key goes through too (to a partition the producer picks). A left or outer stream-stream join emits it with a null
    // partner; the other operators drop it after the topic — where it has still moved their task's stream time.
    this.builder.addProcessor(filter, checkedSupplier(passThroughSupplier('KSTREAM-FILTER (repartition)'), serdes, 'repartition topic', topic), [this.node]);
    this.builder.topology.addSink(sink, topic, filter);
    this.builder.topology.addSource(source, topic);
    return new KStream(this.builder, source, false, carried);
  }

  /** The stream as a table: each record an update of its key (null value: delete); through a repartition topic after a key change. */
  toTable(options: Named & StepSerdes & { store?: string } = {}): KTable {
    const name = this.builder.nextName('KSTREAM-TOTABLE-', options.name);
    const store = this.builder.storeName('KSTREAM-TOTABLE-', options.store);
    // Materialized's serdes: the repartition topic's and the store's.
    const serdes = this.builder.resolve(options, this.serdes);
    const input = this.keyChanged ? this.throughRepartition(name, undefined, serdes) : this;
    const flags = new TableFlags();
    this.builder.addProcessor(name, checkedSupplier(tableSourceSupplier(store, flags, 'KSTREAM-TOTABLE'), serdes, 'store', store), [input.node], [timestampedKeyValueSpec(store)]);
    return new KTable(this.builder, name, { store, steps: [] }, flags, undefined, this.builder.known(options, this.serdes));
  }

  /** Grouped's serdes: the repartition topic's (after a key change) and the aggregation store's unless Materialized sets others. */
  groupByKey(options: Named & StepSerdes = {}): KGroupedStream {
    return new KGroupedStream(this.builder, this, options.name, this.builder.resolve(options, this.serdes), this.builder.known(options, this.serdes));
  }

  groupBy(selector: FunctionRef<'key-selector'>, options: Named & StepSerdes = {}): KGroupedStream {
    const name = this.builder.nextName('KSTREAM-KEY-SELECT-', options.name);
    this.builder.addProcessor(name, selectKeySupplier(selector), [this.node]);
    // Kafka Streams' groupBy: the new keys' serde is Grouped's (else the default); values keep the stream's.
    const carried = this.serdes.valueSerde ? { valueSerde: this.serdes.valueSerde } : {};
    return new KGroupedStream(this.builder, new KStream(this.builder, name, true), options.name, this.builder.resolve(options, carried), this.builder.known(options, carried));
  }

  /** Joins each record with the table's current value for its key (inner: only when there is one). Joined's key and value serdes check a repartition of this stream. */
  join(table: KTable, joiner: FunctionRef<'value-joiner'>, options: Named & JoinSerdes = {}): KStream {
    return this.joinTable(table, joiner, false, options);
  }

  leftJoin(table: KTable, joiner: FunctionRef<'value-joiner'>, options: Named & JoinSerdes = {}): KStream {
    return this.joinTable(table, joiner, true, options);
  }

  /** Joins each record with the global table's value under the key `selector` picks (inner: only when there is one). No repartition. */
  joinGlobal(table: GlobalKTable, selector: FunctionRef<'key-selector'>, joiner: FunctionRef<'value-joiner'>, options: Named = {}): KStream {
    return this.joinGlobalTable(table, selector, joiner, false, options);
  }

  leftJoinGlobal(table: GlobalKTable, selector: FunctionRef<'key-selector'>, joiner: FunctionRef<'value-joiner'>, options: Named = {}): KStream {
    return this.joinGlobalTable(table, selector, joiner, true, options);
  }

  private joinGlobalTable(table: GlobalKTable, selector: FunctionRef<'key-selector'>, joiner: FunctionRef<'value-joiner'>, left: boolean, options: Named): KStream {
    // Kafka Streams 4.4 names inner global-table joins KSTREAM-LEFTJOIN- too (its describe() shows it).
    const name = this.builder.nextName('KSTREAM-LEFTJOIN-', options.name);
    this.builder.addProcessor(name, streamGlobalTableJoinSupplier(table.store, selector, joiner, left), [this.node], [table.store]);
    // The key is unchanged: a later grouping needs no repartition for this join.
    return new KStream(this.builder, name, this.keyChanged);
  }

  /**
   * Stream-stream joins: records of both streams whose times are within the
   * join window. StreamJoined's serdes check each side's repartition topic
   * and window store (key + value for this side, key + otherValue for the other).
   */
  joinStream(other: KStream, joiner: FunctionRef<'value-joiner'>, windows: JoinWindowsSpec, kind: 'inner' | 'left' | 'outer', options: Named & JoinSerdes = {}): KStream {
    if (!(windows.beforeMs >= 0) || !(windows.afterMs >= 0) || !(windows.graceMs >= 0)) throw new ConfigError('join windows need before, after and grace ≥ 0');
    const leftOuter = kind !== 'inner';
    const rightOuter = kind === 'outer';
    const thisSerdes = this.builder.resolve(options, this.serdes);
    const otherSerdes = this.builder.resolve({ ...(options.keySerde ? { keySerde: options.keySerde } : {}), ...(options.otherValueSerde ? { valueSerde: options.otherValueSerde } : {}) }, { ...this.keyOnly, ...(other.serdes.valueSerde ? { valueSerde: other.serdes.valueSerde } : {}) });
    const left = this.keyChanged ? this.throughRepartition(this.builder.nextName('KSTREAM-REPARTITION-', options.name ? `${options.name}-left` : undefined), undefined, thisSerdes) : this;
    const right = other.keyChanged ? other.throughRepartition(this.builder.nextName('KSTREAM-REPARTITION-', options.name ? `${options.name}-right` : undefined), undefined, otherSerdes) : other;
    const thisWindowed = this.builder.nextName('KSTREAM-WINDOWED-', options.name ? `${options.name}-this-windowed` : undefined);
    const otherWindowed = this.builder.nextName('KSTREAM-WINDOWED-', options.name ? `${options.name}-other-windowed` : undefined);
    const joinThis = this.builder.nextName(rightOuter ? 'KSTREAM-OUTERTHIS-' : 'KSTREAM-JOINTHIS-', options.name ? `${options.name}${rightOuter ? '-outer-this-join' : '-this-join'}` : undefined);
    const joinOther = this.builder.nextName(leftOuter ? 'KSTREAM-OUTEROTHER-' : 'KSTREAM-JOINOTHER-', options.name ? `${options.name}${leftOuter ? '-outer-other-join' : '-other-join'}` : undefined);
    const merge = this.builder.nextName('KSTREAM-MERGE-', options.name ? `${options.name}-merge` : undefined);
    const size = windows.beforeMs + windows.afterMs;
    const windowStore = (name: string): StoreSpec => ({ name, kind: 'window', retentionMs: size + windows.graceMs, windowSizeMs: size, retainDuplicates: true });
    const thisStore = `${joinThis}-store`;
    const otherStore = `${joinOther}-store`;
    const outerStore = leftOuter ? `${joinThis}-outer-shared-join-store` : undefined;
    const time = new SharedJoinTime();
    this.builder.addProcessor(thisWindowed, checkedSupplier(joinWindowSupplier(thisStore), thisSerdes, 'store', thisStore), [left.node], [windowStore(thisStore)]);
    this.builder.addProcessor(otherWindowed, checkedSupplier(joinWindowSupplier(otherStore), otherSerdes, 'store', otherStore), [right.node], [windowStore(otherStore)]);
    const shared = outerStore ? [outerStore] : [];
    this.builder.addProcessor(joinThis, streamJoinSupplier({ left: true, outer: leftOuter, otherStore, ...(outerStore ? { outerStore } : {}) }, windows, joiner, time), [thisWindowed], [otherStore, ...shared]);
    this.builder.addProcessor(joinOther, streamJoinSupplier({ left: false, outer: rightOuter, otherStore: thisStore, ...(outerStore ? { outerStore } : {}) }, windows, joiner, time), [otherWindowed], [thisStore, ...shared]);
    this.builder.addProcessor(merge, passThroughSupplier('KSTREAM-MERGE'), [joinThis, joinOther]);
    const key = options.keySerde ?? this.serdes.keySerde;
    return new KStream(this.builder, merge, false, key ? { keySerde: key } : {});
  }

  private joinTable(table: KTable, joiner: FunctionRef<'value-joiner'>, left: boolean, options: Named & JoinSerdes): KStream {
    const serdes = this.builder.resolve(options, this.serdes);
    const stream = this.keyChanged ? this.throughRepartition(options.name ? `${options.name}-left` : this.node, undefined, serdes) : this;
    const name = this.builder.nextName(left ? 'KSTREAM-LEFTJOIN-' : 'KSTREAM-JOIN-', options.name);
    this.builder.addProcessor(name, streamTableJoinSupplier(table.view, joiner, left), [stream.node], [table.view.store]);
    const key = options.keySerde ?? this.serdes.keySerde;
    return new KStream(this.builder, name, false, key ? { keySerde: key } : {});
  }
}

export class KGroupedStream {
  constructor(
    private readonly builder: StreamsBuilder,
    private readonly stream: KStream,
    /** Grouped.as: names the repartition topic. */
    private readonly groupName: string | undefined,
    /** Grouped.with: the repartition topic's serdes, and the store's defaults (the default serdes filled in). */
    readonly serdes: StepSerdes = {},
    /** Grouped's serdes, else the stream's: what Kafka Streams knows without the defaults (a windowed key serde wraps only these). */
    private readonly known: StepSerdes = {},
  ) {}

  /** Materialized's serdes (`options.keySerde`, `valueSerde`: a Long serde, as count's values are Longs) check the store. */
  count(options: Named & StepSerdes = {}): KTable {
    return this.aggregateWith({ kind: 'count' }, 'KSTREAM-AGGREGATE-', options);
  }

  reduce(reducer: FunctionRef<'reducer'>, options: Named & StepSerdes = {}): KTable {
    return this.aggregateWith({ kind: 'reduce', reducer }, 'KSTREAM-REDUCE-', options);
  }

  aggregate(initializer: FunctionRef<'initializer'>, aggregator: FunctionRef<'aggregator'>, options: Named & StepSerdes = {}): KTable {
    return this.aggregateWith({ kind: 'aggregate', initializer, aggregator }, 'KSTREAM-AGGREGATE-', options);
  }

  /** cogroup(): this grouped stream, aggregated by `aggregator`, together with others into one table. */
  cogroup(aggregator: FunctionRef<'aggregator'>): CogroupedKStream {
    return new CogroupedKStream(this.builder, [{ grouped: this, aggregator }]);
  }

  windowedBy(windows: TimeWindowsSpec): TimeWindowedKStream {
    if (!(windows.sizeMs > 0) || !(windows.advanceMs > 0) || windows.advanceMs > windows.sizeMs || !(windows.graceMs >= 0)) {
      throw new ConfigError(`time windows need size > 0, 0 < advance ≤ size and grace ≥ 0 (got size ${windows.sizeMs}, advance ${windows.advanceMs}, grace ${windows.graceMs})`);
    }
    return new TimeWindowedKStream(this, windows);
  }

  /** Sliding windows: every window of `differenceMs` (inclusive) that holds records. */
  windowedBySliding(windows: SlidingWindowsSpec): SlidingWindowedKStream {
    if (!(windows.differenceMs > 0) || !(windows.graceMs >= 0)) throw new ConfigError(`sliding windows need a time difference > 0 and grace ≥ 0 (got ${windows.differenceMs}, grace ${windows.graceMs})`);
    return new SlidingWindowedKStream(this, windows);
  }

  /** Session windows: a session closes after `gapMs` without records for its key. */
  windowedBySession(windows: SessionWindowsSpec): SessionWindowedKStream {
    if (!(windows.gapMs > 0) || !(windows.graceMs >= 0)) throw new ConfigError(`session windows need an inactivity gap > 0 and grace ≥ 0 (got gap ${windows.gapMs}, grace ${windows.graceMs})`);
    return new SessionWindowedKStream(this, windows);
  }

  /** @internal The stream to aggregate, through a repartition topic named after `base` when keys changed. */
  inputFor(base: string): KStream {
    return this.stream.keyChanged ? this.stream.throughRepartition(this.groupName ?? base, undefined, this.serdes) : this.stream;
  }

  /** @internal An aggregation store's serdes (Materialized's, else the grouping's, else the defaults). */
  storeSerdes(materialized: StepSerdes, kind: 'count' | 'reduce' | 'aggregate'): StepSerdes {
    return storeSerdesOf(this.serdes, materialized, kind, this.builder.defaults);
  }

  /** @internal The serdes the aggregation's table carries downstream (Kafka Streams': Materialized's, else the grouping's; count's values are Longs). */
  tableSerdes(materialized: StepSerdes, kind: 'count' | 'reduce' | 'aggregate'): StepSerdes {
    return knownStoreSerdes(this.known, materialized, kind);
  }

  /**
   * @internal Adds an aggregation: its store (declared by `declare`), its
   * processor, then — when keys changed — the repartition topic it reads
   * through (Kafka Streams numbers them in this order).
   */
  aggregateNode(prefix: string, storeName: string | undefined, declare: (store: string) => StoreSpec | string, supplier: (store: string, flags: TableFlags) => ProcessorSupplier, closing?: WindowClosing, storeSerdes?: StepSerdes, tableSerdes: StepSerdes = {}): KTable {
    const store = this.builder.storeName(prefix, storeName);
    const name = this.builder.nextName(prefix);
    const input = this.stream.keyChanged ? this.stream.throughRepartition(this.groupName ?? store, undefined, this.serdes) : this.stream;
    const flags = new TableFlags();
    this.builder.addProcessor(name, checkedSupplier(supplier(store, flags), storeSerdes, 'store', store), [input.node], [declare(store)]);
    return new KTable(this.builder, name, { store, steps: [] }, flags, closing, tableSerdes);
  }

  private aggregateWith(spec: AggregationSpec, prefix: string, options: Named & StepSerdes): KTable {
    return this.aggregateNode(prefix, options.name, (store) => timestampedKeyValueSpec(store), (store, flags) => aggregateSupplier(store, spec, flags), undefined, this.storeSerdes(options, spec.kind), this.tableSerdes(options, spec.kind));
  }
}

/** count / reduce / aggregate of a windowed grouped stream; each window kind says how its store and processor are made. */
/** A windowed aggregation's options: its store's name, retention and serdes (Materialized; the key serde is the inner key's). */
export type WindowedStoreOptions = Named & StepSerdes & { retentionMs?: number };

abstract class WindowedAggregations {
  count(options: WindowedStoreOptions = {}): KTable {
    return this.aggregateWith({ kind: 'count' }, 'KSTREAM-AGGREGATE-', options);
  }

  reduce(reducer: FunctionRef<'reducer'>, options: WindowedStoreOptions = {}): KTable {
    return this.aggregateWith({ kind: 'reduce', reducer }, 'KSTREAM-REDUCE-', options);
  }

  aggregate(initializer: FunctionRef<'initializer'>, aggregator: FunctionRef<'aggregator'>, options: WindowedStoreOptions = {}): KTable {
    return this.aggregateWith({ kind: 'aggregate', initializer, aggregator }, 'KSTREAM-AGGREGATE-', options);
  }

  protected abstract aggregateWith(spec: AggregationSpec, prefix: string, options: WindowedStoreOptions): KTable;
}

export class TimeWindowedKStream extends WindowedAggregations {
  constructor(
    private readonly grouped: KGroupedStream,
    private readonly windows: TimeWindowsSpec,
  ) {
    super();
  }

  protected aggregateWith(spec: AggregationSpec, prefix: string, options: WindowedStoreOptions): KTable {
    const minimum = this.windows.sizeMs + this.windows.graceMs;
    const retentionMs = options.retentionMs ?? minimum;
    if (retentionMs < minimum) throw new ConfigError(`window store '${options.name ?? prefix}': retention ${retentionMs} ms is less than window size + grace (${minimum} ms)`);
    return this.grouped.aggregateNode(
      prefix,
      options.name,
      (store) => ({ name: store, kind: 'window', retentionMs, windowSizeMs: this.windows.sizeMs, retainDuplicates: false, timestamped: true }),
      (store) => windowAggregateSupplier(store, this.windows, spec),
      { endOf: (key) => windowStartOf(key) + this.windows.sizeMs, suppressMs: this.windows.graceMs },
      windowedKeys(this.grouped.storeSerdes(options, spec.kind), 'time'),
      windowedKeys(this.grouped.tableSerdes(options, spec.kind), 'time'),
    );
  }
}

/** Several grouped streams aggregated into one table, each with its own aggregator (Kafka Streams' CogroupedKStream). */
export class CogroupedKStream {
  constructor(
    private readonly builder: StreamsBuilder,
    private readonly inputs: ReadonlyArray<{ grouped: KGroupedStream; aggregator: FunctionRef<'aggregator'> }>,
  ) {}

  cogroup(grouped: KGroupedStream, aggregator: FunctionRef<'aggregator'>): CogroupedKStream {
    return new CogroupedKStream(this.builder, [...this.inputs, { grouped, aggregator }]);
  }

  /** Time windows over the cogrouped streams (each input keeps its own observed stream time, as Kafka Streams). */
  windowedBy(windows: TimeWindowsSpec): WindowedCogroupedKStream {
    if (!(windows.sizeMs > 0) || !(windows.advanceMs > 0) || windows.advanceMs > windows.sizeMs || !(windows.graceMs >= 0)) {
      throw new ConfigError(`time windows need size > 0, 0 < advance ≤ size and grace ≥ 0 (got size ${windows.sizeMs}, advance ${windows.advanceMs}, grace ${windows.graceMs})`);
    }
    return new WindowedCogroupedKStream(this.builder, this.inputs, {
      minimumRetentionMs: windows.sizeMs + windows.graceMs,
      minimum: 'window size + grace',
      store: (store, retentionMs) => ({ name: store, kind: 'window', retentionMs, windowSizeMs: windows.sizeMs, retainDuplicates: false, timestamped: true }),
      aggregator: (store, initializer, aggregator) => windowAggregateSupplier(store, windows, { kind: 'aggregate', initializer, aggregator }),
      table: { endOf: (key) => windowStartOf(key) + windows.sizeMs, suppressMs: windows.graceMs },
    });
  }

  /** Sliding windows over the cogrouped streams (Kafka Streams' SlidingWindowedCogroupedKStream). */
  windowedBySliding(windows: SlidingWindowsSpec): WindowedCogroupedKStream {
    if (!(windows.differenceMs > 0) || !(windows.graceMs >= 0)) throw new ConfigError(`sliding windows need a time difference > 0 and grace ≥ 0 (got ${windows.differenceMs}, grace ${windows.graceMs})`);
    return new WindowedCogroupedKStream(this.builder, this.inputs, {
      // Windows back to t − 2d are read to build new ones.
      minimumRetentionMs: 2 * windows.differenceMs + windows.graceMs,
      minimum: '2 × time difference + grace',
      store: (store, retentionMs) => ({ name: store, kind: 'window', retentionMs, windowSizeMs: windows.differenceMs, retainDuplicates: false, timestamped: true }),
      aggregator: (store, initializer, aggregator) => slidingAggregateSupplier(store, windows, { kind: 'aggregate', initializer, aggregator }),
      table: { endOf: (key) => windowStartOf(key) + windows.differenceMs, suppressMs: windows.graceMs },
    });
  }

  /** Session windows over the cogrouped streams (Kafka Streams' SessionWindowedCogroupedKStream): aggregate needs a merger. */
  windowedBySession(windows: SessionWindowsSpec): WindowedCogroupedKStream {
    if (!(windows.gapMs > 0) || !(windows.graceMs >= 0)) throw new ConfigError(`session windows need an inactivity gap > 0 and grace ≥ 0 (got gap ${windows.gapMs}, grace ${windows.graceMs})`);
    return new WindowedCogroupedKStream(this.builder, this.inputs, {
      minimumRetentionMs: windows.gapMs + windows.graceMs,
      minimum: 'gap + grace',
      store: (store, retentionMs) => ({ name: store, kind: 'session', retentionMs }),
      aggregator: (store, initializer, aggregator, merger) => {
        if (!merger) throw new ConfigError('a session-windowed cogroup aggregates with an initializer and a merger');
        return sessionAggregateSupplier(store, windows, { kind: 'aggregate', initializer, aggregator, merger });
      },
      sessions: true,
      table: { endOf: (key) => readLong(key, key.length - 16), suppressMs: windows.graceMs + windows.gapMs },
    });
  }

  /**
   * One store, one aggregate processor per input (Kafka Streams'
   * `<name>-cogroup-agg-<i>`, each skipping null keys and values), their
   * updates merged into one table.
   */
  aggregate(initializer: FunctionRef<'initializer'>, options: Named & StepSerdes = {}): KTable {
    const store = this.builder.storeName('COGROUPKSTREAM-AGGREGATE-', options.name);
    const flags = new TableFlags();
    const storeSerdes = this.inputs[0]!.grouped.storeSerdes(options, 'aggregate');
    const parents = this.inputs.map(({ grouped, aggregator }, index) => {
      const input = grouped.inputFor(this.inputs.length === 1 ? store : `${store}-${index}`);
      const name = this.builder.nextName('COGROUPKSTREAM-AGGREGATE-', options.name ? `${options.name}-cogroup-agg-${index}` : undefined);
      this.builder.addProcessor(name, checkedSupplier(aggregateSupplier(store, { kind: 'aggregate', initializer, aggregator }, flags), storeSerdes, 'store', store), [input.node], [timestampedKeyValueSpec(store)]);
      return name;
    });
    const merge = this.builder.nextName('COGROUPKSTREAM-MERGE-', options.name ? `${options.name}-cogroup-merge` : undefined);
    this.builder.addProcessor(merge, passThroughSupplier('COGROUPKSTREAM-MERGE'), parents);
    return new KTable(this.builder, merge, { store, steps: [] }, flags, undefined, this.inputs[0]!.grouped.tableSerdes(options, 'aggregate'));
  }
}

/** How a windowed cogroup keeps and computes its windows: time, sliding or session windows. */
interface CogroupWindowing {
  minimumRetentionMs: number;
  /** How the minimum retention is made up (for the error). */
  minimum: string;
  store(store: string, retentionMs: number): StoreSpec;
  /** One input's aggregate processor (Kafka Streams' KStreamWindowAggregate, KStreamSlidingWindowAggregate or KStreamSessionWindowAggregate). */
  aggregator(store: string, initializer: FunctionRef<'initializer'>, aggregator: FunctionRef<'aggregator'>, merger: FunctionRef<'merger'> | undefined): OperatorSupplier;
  /** Session windows: aggregate takes a merger. */
  sessions?: boolean;
  table: { endOf: (key: Uint8Array) => number; suppressMs: number };
}

/** Cogrouped streams in windows: one window (or session) store, a windowed aggregate per input, merged. */
export class WindowedCogroupedKStream {
  constructor(
    private readonly builder: StreamsBuilder,
    private readonly inputs: ReadonlyArray<{ grouped: KGroupedStream; aggregator: FunctionRef<'aggregator'> }>,
    private readonly windowing: CogroupWindowing,
  ) {}

  /** Session windows: the aggregate needs a merger. */
  get needsMerger(): boolean {
    return this.windowing.sessions === true;
  }

  aggregate(initializer: FunctionRef<'initializer'>, options: WindowedStoreOptions & { merger?: FunctionRef<'merger'> | undefined } = {}): KTable {
    const windowing = this.windowing;
    const retentionMs = options.retentionMs ?? windowing.minimumRetentionMs;
    if (retentionMs < windowing.minimumRetentionMs) {
      throw new ConfigError(`${windowing.sessions ? 'session' : 'window'} store '${options.name ?? 'cogroup'}': retention ${retentionMs} ms is less than ${windowing.minimum} (${windowing.minimumRetentionMs} ms)`);
    }
    if (windowing.sessions && !options.merger) throw new ConfigError('a session-windowed cogroup aggregates with an initializer and a merger');
    const store = this.builder.storeName('COGROUPKSTREAM-AGGREGATE-', options.name);
    const spec = windowing.store(store, retentionMs);
    const flags = new TableFlags();
    const storeSerdes = windowedKeys(this.inputs[0]!.grouped.storeSerdes(options, 'aggregate'), windowing.sessions ? 'session' : 'time');
    const parents = this.inputs.map(({ grouped, aggregator }, index) => {
      const input = grouped.inputFor(this.inputs.length === 1 ? store : `${store}-${index}`);
      const name = this.builder.nextName('COGROUPKSTREAM-AGGREGATE-', options.name ? `${options.name}-cogroup-agg-${index}` : undefined);
      this.builder.addProcessor(name, checkedSupplier(windowing.aggregator(store, initializer, aggregator, options.merger), storeSerdes, 'store', store), [input.node], [spec]);
      return name;
    });
    const merge = this.builder.nextName('COGROUPKSTREAM-MERGE-', options.name ? `${options.name}-cogroup-merge` : undefined);
    this.builder.addProcessor(merge, passThroughSupplier('COGROUPKSTREAM-MERGE'), parents);
    return new KTable(this.builder, merge, { store, steps: [] }, flags, windowing.table, windowedKeys(this.inputs[0]!.grouped.tableSerdes(options, 'aggregate'), windowing.sessions ? 'session' : 'time'));
  }
}

export class SlidingWindowedKStream extends WindowedAggregations {
  constructor(
    private readonly grouped: KGroupedStream,
    private readonly windows: SlidingWindowsSpec,
  ) {
    super();
  }

  protected aggregateWith(spec: AggregationSpec, prefix: string, options: WindowedStoreOptions): KTable {
    // Windows back to t − 2d are read to build new ones (SlidingWindowedKStreamImpl).
    const minimum = 2 * this.windows.differenceMs + this.windows.graceMs;
    const retentionMs = options.retentionMs ?? minimum;
    if (retentionMs < minimum) throw new ConfigError(`window store '${options.name ?? prefix}': retention ${retentionMs} ms is less than 2 × time difference + grace (${minimum} ms)`);
    return this.grouped.aggregateNode(
      prefix,
      options.name,
      (store) => ({ name: store, kind: 'window', retentionMs, windowSizeMs: this.windows.differenceMs, retainDuplicates: false, timestamped: true }),
      (store) => slidingAggregateSupplier(store, this.windows, spec),
      { endOf: (key) => windowStartOf(key) + this.windows.differenceMs, suppressMs: this.windows.graceMs },
      windowedKeys(this.grouped.storeSerdes(options, spec.kind), 'time'),
      windowedKeys(this.grouped.tableSerdes(options, spec.kind), 'time'),
    );
  }
}

export class SessionWindowedKStream {
  constructor(
    private readonly grouped: KGroupedStream,
    private readonly windows: SessionWindowsSpec,
  ) {}

  count(options: WindowedStoreOptions = {}): KTable {
    return this.aggregateWith({ kind: 'count' }, 'KSTREAM-AGGREGATE-', options);
  }

  reduce(reducer: FunctionRef<'reducer'>, options: WindowedStoreOptions = {}): KTable {
    return this.aggregateWith({ kind: 'reduce', reducer }, 'KSTREAM-REDUCE-', options);
  }

  aggregate(initializer: FunctionRef<'initializer'>, aggregator: FunctionRef<'aggregator'>, merger: FunctionRef<'merger'>, options: WindowedStoreOptions = {}): KTable {
    return this.aggregateWith({ kind: 'aggregate', initializer, aggregator, merger }, 'KSTREAM-AGGREGATE-', options);
  }

  private aggregateWith(spec: SessionAggregationSpec, prefix: string, options: WindowedStoreOptions): KTable {
    const minimum = this.windows.gapMs + this.windows.graceMs;
    const retentionMs = options.retentionMs ?? minimum;
    if (retentionMs < minimum) throw new ConfigError(`session store '${options.name ?? prefix}': retention ${retentionMs} ms is less than gap + grace (${minimum} ms)`);
    return this.grouped.aggregateNode(
      prefix,
      options.name,
      (store) => ({ name: store, kind: 'session', retentionMs }),
      (store) => sessionAggregateSupplier(store, this.windows, spec),
      { endOf: (key) => readLong(key, key.length - 16), suppressMs: this.windows.graceMs + this.windows.gapMs },
      windowedKeys(this.grouped.storeSerdes(options, spec.kind), 'session'),
      windowedKeys(this.grouped.tableSerdes(options, spec.kind), 'session'),
    );
  }
}


/** The window start of a time-windowed key (key ‖ start). */
function windowStartOf(key: Uint8Array): number {
  return readLong(key, key.length - 8);
}

/** A table every instance holds whole (Kafka Streams' GlobalKTable): streams join it; it has no operators of its own. */
export class GlobalKTable {
  constructor(
    /** The global store (its name is the table's queryable store name). */
    readonly store: string,
  ) {}
}

export class KTable {
  constructor(
    private readonly builder: StreamsBuilder,
    readonly node: string,
    /** How to read the table's current value (joins look values up through it). */
    readonly view: TableView,
    /** Whether the node sends old values (raised by downstream steps that need them). */
    readonly flags: TableFlags,
    /** Set on a windowed table: when its windows close. */
    private readonly closing?: WindowClosing,
    /** The serdes Kafka Streams knows for the table (its source's or store's); unset: unknown (the defaults apply). */
    readonly serdes: StepSerdes = {},
  ) {}

  /**
   * suppress(untilWindowCloses(bufferConfig)): one final result per window,
   * once it closes. Kafka Streams accepts only a strict buffer here: unbounded,
   * or bounded with shut-down when full.
   */
  suppressUntilWindowCloses(options: Named & { buffer?: BufferLimits } = {}): KTable {
    if (!this.closing) throw new ConfigError('suppress(untilWindowCloses) needs a windowed table (after windowedBy … count/reduce/aggregate)');
    if (options.buffer && options.buffer.whenFull !== 'shut-down') throw new ConfigError('suppress(untilWindowCloses) needs a strict buffer: unbounded, or full → shut-down (emitting early would break the one-final-result promise)');
    return this.suppressWith({ kind: 'window-closes', closing: this.closing }, options.buffer ?? unboundedBuffer, options);
  }

  /**
   * suppress(untilTimeLimit(limit, bufferConfig)): a key's latest update,
   * once `limitMs` has passed (in stream time) since the key entered the
   * buffer — or earlier, when the buffer is full and set to emit early.
   */
  suppressUntilTimeLimit(limitMs: number, options: Named & { buffer?: BufferLimits } = {}): KTable {
    if (!(limitMs >= 0)) throw new ConfigError('suppress(untilTimeLimit) needs a limit of 0 ms or more');
    return this.suppressWith({ kind: 'time-limit', limitMs }, options.buffer ?? unboundedBuffer, options);
  }

  private suppressWith(suppression: Suppression, limits: BufferLimits, options: Named): KTable {
    const name = this.builder.nextName('KTABLE-SUPPRESS-', options.name);
    const store = this.builder.storeName('KTABLE-SUPPRESS-', options.name ? `${options.name}-store` : undefined);
    this.flags.enableSendingOldValues();
    this.builder.addProcessor(name, suppressSupplier(store, suppression, limits, name), [this.node], [store]);
    return new KTable(this.builder, name, { store, steps: [] }, new TableFlags(), undefined, this.serdes);
  }

  /** The table's updates as a stream. */
  toStream(options: Named = {}): KStream {
    const name = this.builder.nextName('KTABLE-TOSTREAM-', options.name);
    this.builder.addProcessor(name, tableToStreamSupplier(), [this.node]);
    return new KStream(this.builder, name, false, this.serdes);
  }

  filter(predicate: FunctionRef<'predicate'>, options: Named = {}): KTable {
    return this.filterWith(predicate, false, options);
  }

  filterNot(predicate: FunctionRef<'predicate'>, options: Named = {}): KTable {
    return this.filterWith(predicate, true, options);
  }

  private filterWith(predicate: FunctionRef<'predicate'>, not: boolean, options: Named): KTable {
    const name = this.builder.nextName('KTABLE-FILTER-', options.name);
    const flags = new TableFlags([this.flags]);
    this.builder.addProcessor(name, tableFilterSupplier(predicate, not, flags), [this.node]);
    return new KTable(this.builder, name, { store: this.view.store, steps: [...this.view.steps, { kind: 'filter', predicate, not }] }, flags, undefined, this.serdes);
  }

  mapValues(mapper: FunctionRef<'value-mapper'>, options: Named = {}): KTable {
    const name = this.builder.nextName('KTABLE-MAPVALUES-', options.name);
    const flags = new TableFlags([this.flags]);
    this.builder.addProcessor(name, tableMapValuesSupplier(mapper, flags), [this.node]);
    return new KTable(this.builder, name, { store: this.view.store, steps: [...this.view.steps, { kind: 'map-values', mapper }] }, flags, undefined, this.serdes.keySerde ? { keySerde: this.serdes.keySerde } : {});
  }

  join(other: KTable, joiner: FunctionRef<'value-joiner'>, options: Named = {}): KTable {
    return this.joinWith(other, joiner, 'inner', options);
  }

  leftJoin(other: KTable, joiner: FunctionRef<'value-joiner'>, options: Named = {}): KTable {
    return this.joinWith(other, joiner, 'left', options);
  }

  outerJoin(other: KTable, joiner: FunctionRef<'value-joiner'>, options: Named = {}): KTable {
    return this.joinWith(other, joiner, 'outer', options);
  }

  /**
   * A table-table join: each side's updates look up the other side (Kafka
   * Streams' KTABLE-JOINTHIS / KTABLE-JOINOTHER), merged into one table
   * (KTABLE-MERGE), which keeps the result in a store of its own so that
   * later joins can read it.
   */
  private joinWith(other: KTable, joiner: FunctionRef<'value-joiner'>, kind: TableJoinKind, options: Named): KTable {
    const merge = this.builder.nextName('KTABLE-MERGE-', options.name);
    const joinThis = this.builder.nextName('KTABLE-JOINTHIS-', options.name ? `${options.name}-join-this` : undefined);
    const joinOther = this.builder.nextName('KTABLE-JOINOTHER-', options.name ? `${options.name}-join-other` : undefined);
    if (kind !== 'inner') this.flags.enableSendingOldValues();
    if (kind === 'outer') other.flags.enableSendingOldValues();
    const flags = new TableFlags([this.flags, other.flags]);
    this.builder.addProcessor(joinThis, tableJoinSupplier(kind, 'this', other.view, joiner, flags), [this.node], [other.view.store]);
    this.builder.addProcessor(joinOther, tableJoinSupplier(kind, 'other', this.view, joiner, flags), [other.node], [this.view.store]);
    const store = `${merge}-store`;
    this.builder.addProcessor(merge, tableSourceSupplier(store, flags, 'KTABLE-MERGE'), [joinThis, joinOther], [timestampedKeyValueSpec(store)]);
    return new KTable(this.builder, merge, { store, steps: [] }, flags, undefined, this.serdes.keySerde ? { keySerde: this.serdes.keySerde } : {});
  }

  /**
   * The foreign-key join (KIP-213): each row of this table joins the row of
   * `other` whose key `extractor` picks from it; updates of either side
   * update the result. Through a subscription topic (co-partitioned with
   * `other`) and a response topic (co-partitioned with this table).
   */
  joinOnForeignKey(other: KTable, extractor: FunctionRef<'key-selector'>, joiner: FunctionRef<'value-joiner'>, left: boolean, options: Named = {}): KTable {
    other.flags.enableSendingOldValues();
    this.flags.enableSendingOldValues();
    const base = this.builder.nextName('KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-', options.name);
    const send = this.builder.nextName('KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-', options.name ? `${options.name}-subscription-registration-processor` : undefined);
    const subscriptionTopic = this.builder.internalTopicNamed(`${base}-topic`);
    const subscriptionSink = this.builder.nextName('KTABLE-SINK-', options.name ? `${options.name}-subscription-registration-sink` : undefined);
    const subscriptionSource = this.builder.nextName('KTABLE-SOURCE-', options.name ? `${options.name}-subscription-registration-source` : undefined);
    const subscriptionStore = this.builder.storeName('KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-', options.name ? `${options.name}-subscription-store` : undefined);
    const receive = this.builder.nextName('KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-', options.name ? `${options.name}-subscription-receive` : undefined);
    const foreignJoin = this.builder.nextName('KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-', options.name ? `${options.name}-subscription-join-foreign` : undefined);
    const responseBase = this.builder.nextName('KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-', options.name ? `${options.name}-subscription-response` : undefined);
    const responseTopic = this.builder.internalTopicNamed(`${responseBase}-topic`);
    const responseSink = this.builder.nextName('KTABLE-SINK-', options.name ? `${options.name}-subscription-response-sink` : undefined);
    const responseSource = this.builder.nextName('KTABLE-SOURCE-', options.name ? `${options.name}-subscription-response-source` : undefined);
    const resolver = this.builder.nextName('KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-', options.name ? `${options.name}-subscription-response-resolver` : undefined);
    const output = this.builder.nextName('KTABLE-FK-JOIN-OUTPUT-', options.name ? `${options.name}-result` : undefined);
    this.builder.addProcessor(send, subscriptionSendSupplier(extractor, left), [this.node]);
    this.builder.topology.addSink(subscriptionSink, subscriptionTopic, send);
    this.builder.topology.addSource(subscriptionSource, subscriptionTopic);
    this.builder.addProcessor(receive, subscriptionJoinSupplier(subscriptionStore, other.view), [subscriptionSource], [timestampedKeyValueSpec(subscriptionStore), other.view.store]);
    this.builder.addProcessor(foreignJoin, foreignTableJoinSupplier(subscriptionStore), [other.node], [subscriptionStore]);
    this.builder.topology.addSink(responseSink, responseTopic, receive, foreignJoin);
    this.builder.topology.addSource(responseSource, responseTopic);
    this.builder.addProcessor(resolver, responseJoinSupplier(this.view, joiner, left), [responseSource], [this.view.store]);
    const store = `${output}-store`;
    const flags = new TableFlags();
    this.builder.addProcessor(output, tableSourceSupplier(store, flags, 'KTABLE-FK-JOIN-OUTPUT'), [resolver], [timestampedKeyValueSpec(store)]);
    return new KTable(this.builder, output, { store, steps: [] }, flags, undefined, this.serdes.keySerde ? { keySerde: this.serdes.keySerde } : {});
  }

  /** Groups the table by a new key (and value); aggregations subtract a row's old value and add its new one. */
  groupBy(mapper: FunctionRef<'key-value-mapper'>, options: Named & StepSerdes = {}): KGroupedTable {
    const name = this.builder.nextName('KTABLE-SELECT-', options.name);
    this.flags.enableSendingOldValues();
    // Kafka Streams' table groupBy: Grouped's serdes, else the defaults (the mapper's output has no serdes of its own).
    const serdes = this.builder.resolve(options, undefined);
    // Grouped's serdes check the updates written to the repartition topic (old and new values).
    this.builder.addProcessor(name, checkedSupplier(tableGroupBySupplier(mapper), serdes, 'repartition topic', `${options.name ?? 'KTABLE-AGGREGATE'}-repartition`, true), [this.node]);
    return new KGroupedTable(this.builder, name, options.name, serdes, serdesOf(options));
  }
}

export class KGroupedTable {
  constructor(
    private readonly builder: StreamsBuilder,
    /** The KTABLE-SELECT node writing the grouped updates. */
    private readonly node: string,
    private readonly groupName: string | undefined,
    /** Grouped.with: the repartition topic's serdes, and the store's defaults (the default serdes filled in). */
    private readonly serdes: StepSerdes = {},
    /** Grouped's own serdes (what the aggregation's table carries downstream). */
    private readonly known: StepSerdes = {},
  ) {}

  count(options: Named & StepSerdes = {}): KTable {
    return this.aggregateWith({ kind: 'count' }, 'KTABLE-AGGREGATE-', options);
  }

  reduce(adder: FunctionRef<'reducer'>, subtractor: FunctionRef<'reducer'>, options: Named & StepSerdes = {}): KTable {
    return this.aggregateWith({ kind: 'reduce', adder, subtractor }, 'KTABLE-REDUCE-', options);
  }

  aggregate(initializer: FunctionRef<'initializer'>, adder: FunctionRef<'aggregator'>, subtractor: FunctionRef<'aggregator'>, options: Named & StepSerdes = {}): KTable {
    return this.aggregateWith({ kind: 'aggregate', initializer, adder, subtractor }, 'KTABLE-AGGREGATE-', options);
  }

  /** Store, then the repartition topic (no null-key filter: table updates always have keys), then the aggregate. */
  private aggregateWith(spec: TableAggregationSpec, prefix: string, options: Named & StepSerdes): KTable {
    const store = this.builder.storeName('KTABLE-AGGREGATE-', options.name);
    const base = this.groupName ?? store;
    const topic = this.builder.internalTopic(base);
    const generated = /^K(STREAM|TABLE).*-[0-9]{10}$/.test(base);
    const sink = this.builder.nextName('KSTREAM-SINK-', generated ? undefined : `${base}-repartition-sink`);
    const source = this.builder.nextName('KSTREAM-SOURCE-', generated ? undefined : `${base}-repartition-source`);
    this.builder.topology.addSink(sink, topic, this.node);
    this.builder.topology.addSource(source, topic);
    const name = this.builder.nextName(prefix);
    const flags = new TableFlags();
    const storeSerdes = storeSerdesOf(this.serdes, options, spec.kind, this.builder.defaults);
    this.builder.addProcessor(name, checkedSupplier(tableAggregateSupplier(store, spec, flags), storeSerdes, 'store', store), [source], [timestampedKeyValueSpec(store)]);
    return new KTable(this.builder, name, { store, steps: [] }, flags, undefined, knownStoreSerdes(this.known, options, spec.kind));
  }
}

/** The serdes set in `options` (and only those). */
function serdesOf(options: StepSerdes): StepSerdes {
  return { ...(options.keySerde ? { keySerde: options.keySerde } : {}), ...(options.valueSerde ? { valueSerde: options.valueSerde } : {}) };
}

/**
 * An aggregation store's serdes, as Kafka Streams picks them: Materialized's,
 * else the key serde of the grouping (and its value serde for reduce, whose
 * values are the grouped values); count's values are Longs, so its value
 * serde can only be a Long serde. With default serdes set (`defaults`), an
 * aggregate's unset value serde is the default value serde and a count's is
 * Long, as Kafka Streams' KGroupedStreamImpl picks them.
 */
function storeSerdesOf(grouped: StepSerdes, materialized: StepSerdes, kind: 'count' | 'reduce' | 'aggregate', defaults: StepSerdes | undefined): StepSerdes {
  if (kind === 'count' && materialized.valueSerde && materialized.valueSerde.name !== 'long') {
    throw new SerdeConfigError('dsl-serde-mismatch', `count() values are Longs: its valueSerde must be long, not ${materialized.valueSerde.name}`);
  }
  const keySerde = materialized.keySerde ?? grouped.keySerde ?? defaults?.keySerde;
  const unset = kind === 'reduce' ? grouped.valueSerde : kind === 'count' ? (defaults ? longSerde : undefined) : defaults?.valueSerde;
  const valueSerde = materialized.valueSerde ?? unset;
  return { ...(keySerde ? { keySerde } : {}), ...(valueSerde ? { valueSerde } : {}) };
}

/** The serdes an aggregation's table carries downstream: as storeSerdesOf without the defaults, a count's values known to be Longs. */
function knownStoreSerdes(grouped: StepSerdes, materialized: StepSerdes, kind: 'count' | 'reduce' | 'aggregate'): StepSerdes {
  const serdes = storeSerdesOf(grouped, materialized, kind, undefined);
  return kind === 'count' ? { ...serdes, valueSerde: longSerde as Serde<unknown> } : serdes;
}

/** A windowed store's serdes: its keys are the inner key with the window (TimeWindowedSerde, SessionWindowedSerde). */
function windowedKeys(serdes: StepSerdes, windows: 'time' | 'session'): StepSerdes {
  if (!serdes.keySerde) return serdes;
  const keySerde = (windows === 'time' ? timeWindowedSerde(serdes.keySerde, 0) : sessionWindowedSerde(serdes.keySerde)) as Serde<unknown>;
  return { ...serdes, keySerde };
}
