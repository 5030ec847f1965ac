// A topology: the graph of source → processor nodes → sinks.
//
// Owns: the node graph, its validation (unique names, parents that exist,
// stores connected to processors), its split into sub-topologies (as Kafka
// Streams' InternalTopologyBuilder.makeNodeGroups: nodes joined by an edge or
// a shared store are one sub-topology; a topic written by a sink and read by
// a source — a repartition topic — separates two; ids follow the sorted
// source node names), the builder API (named after Kafka
// Streams' Topology: addSource / addProcessor / addSink / addStateStore /
// addGlobalStore) and `describe()`. Global stores (Kafka Streams'
// addGlobalStore, under a GlobalKTable): their source, the processor that
// updates them and the store form global sub-topologies, which generate no
// tasks — every instance keeps a whole copy — and which any processor
// connected to the store reads without joining its sub-topology.
// Processor nodes hold a ProcessorSupplier (a WebAssembly plugin is one kind;
// the builder wraps a plugin path or bytes in one).
// Must never: load plugins or touch state — a Topology is a plain,
// immutable description that tasks instantiate.

import { ConfigError } from '../errors.ts';
import { PluginProcessorSupplier, type PluginSource } from '../plugin/plugin-processor.ts';
import type { ProcessorLimits, ProcessorSupplier, TimestampExtractorSupplier } from '../processor/processor.ts';
import { keyValueSpec, sameSpec, type StoreSpec } from '../state/store-spec.ts';
import { validateStoreName } from '../state/task-database.ts';
import type { TimestampExtractorName } from '../time/timestamp-extractor.ts';

export type { StoreSpec } from '../state/store-spec.ts';

export { pluginName, type PluginSource } from '../plugin/plugin-processor.ts';

export interface SourceNode {
  kind: 'source';
  name: string;
  topics: string[];
  children: string[];
  /** This source's timestamp extractor (a built-in one, or one the topology supplies); the application's default when unset. */
  timestampExtractor?: TimestampExtractorName | TimestampExtractorSupplier;
  /** Feeds a global store: every partition of its topics, in every instance. */
  global?: true;
}

export interface ProcessorNode {
  kind: 'processor';
  name: string;
  /** Makes the node's processor in each task. */
  supplier: ProcessorSupplier;
  parents: string[];
  children: string[];
  /** Stores this node may open; '*' lets it open (and create) any store. */
  stores: string[] | '*';
}

export interface SinkNode {
  kind: 'sink';
  name: string;
  /** The topic written; '' when each record names its own (`perRecordTopic`). */
  topic: string;
  parents: string[];
  /** The topic of each record is chosen upstream and rides on the record (RecordWithTopic). */
  perRecordTopic?: true;
}

export type TopologyNode = SourceNode | ProcessorNode | SinkNode;

export interface ProcessorOptions {
  /** The plugin's configuration (only when the processor is given as a plugin). */
  config?: Record<string, string> | Array<[string, string]>;
  /** Stores to connect now (more with addStateStore); '*' for any. */
  stores?: string[] | '*';
  /** The plugin's limits (only when the processor is given as a plugin). */
  limits?: Partial<ProcessorLimits>;
}

/** A connected part of the topology: its tasks are `<id>_<partition>`. */
export interface Subtopology {
  readonly id: number;
  /** Source node names, sorted. */
  readonly sources: readonly string[];
  readonly sourceTopics: readonly string[];
  /** Every node of the sub-topology, in the topology's order. */
  readonly nodes: readonly string[];
  readonly stores: readonly string[];
  readonly sinkTopics: readonly string[];
  /** A global sub-topology (a global store's source and updating processor): no tasks. */
  readonly global: boolean;
}

export class Topology {
  /** The sub-topologies that make tasks, in id order (ids count the global ones too, as Kafka Streams'). */
  readonly subtopologies: readonly Subtopology[];
  /** The global sub-topologies: one per global store, no tasks. */
  readonly globalSubtopologies: readonly Subtopology[];

  /** Every store's name but the global stores' (the stores that have changelogs). */
  readonly stores: readonly string[];
  /** The global stores (their topics are their changelogs). */
  readonly globalStores: readonly string[];

  /** @internal use TopologyBuilder */
  constructor(
    readonly nodes: ReadonlyMap<string, TopologyNode>,
    /** Every store's declaration (kind and options). */
    readonly storeSpecs: readonly StoreSpec[],
    /** Partition counts set for repartition topics (others get the largest count of the topics that feed them). */
    readonly repartitionPartitions: ReadonlyMap<string, number> = new Map(),
    /** The global stores, when this is a part of a larger topology (forSubtopology); otherwise found from the global sources. */
    globalStoreNames?: ReadonlySet<string>,
  ) {
    const globalNames = globalStoreNames ?? findGlobalStores(nodes);
    const all = makeSubtopologies(nodes, globalNames);
    this.subtopologies = all.filter((subtopology) => !subtopology.global);
    this.globalSubtopologies = all.filter((subtopology) => subtopology.global);
    this.globalStores = storeSpecs.map((spec) => spec.name).filter((name) => globalNames.has(name));
    this.stores = storeSpecs.map((spec) => spec.name).filter((name) => !globalNames.has(name));
  }

  /** The sub-topology with id `id` (global ones included). */
  subtopology(id: number): Subtopology | undefined {
    return this.subtopologies.find((subtopology) => subtopology.id === id) ?? this.globalSubtopologies.find((subtopology) => subtopology.id === id);
  }

  /** The topics of global stores (read whole by every instance). */
  get globalTopics(): string[] {
    return this.globalSubtopologies.flatMap((subtopology) => subtopology.sourceTopics);
  }

  storeSpec(name: string): StoreSpec | undefined {
    return this.storeSpecs.find((spec) => spec.name === name);
  }

  /** The sub-topology that reads `topic` (a global one for a global store's topic). */
  subtopologyOf(topic: string): Subtopology | undefined {
    return this.subtopologies.find((subtopology) => subtopology.sourceTopics.includes(topic)) ?? this.globalSubtopologies.find((subtopology) => subtopology.sourceTopics.includes(topic));
  }

  /**
   * The sub-topology `id` alone, as a topology of its own (what one task
   * instantiates; for a global one, what updates the global store). A
   * global store its processors read stays declared in it, as global.
   */
  forSubtopology(id: number): Topology {
    const subtopology = this.subtopology(id);
    if (!subtopology) throw new ConfigError(`no sub-topology ${id} (there are ${this.subtopologies.length})`);
    if (this.subtopologies.length === 1 && this.globalSubtopologies.length === 0) return this;
    const nodes = new Map<string, TopologyNode>();
    for (const name of subtopology.nodes) nodes.set(name, this.nodes.get(name)!);
    const used = new Set(subtopology.stores);
    for (const name of subtopology.nodes) {
      const node = this.nodes.get(name)!;
      if (node.kind === 'processor' && node.stores !== '*') for (const store of node.stores) used.add(store);
    }
    // The global stores it reads stay global: the task opens them from the instance's global state, read-only.
    return new Topology(nodes, this.storeSpecs.filter((spec) => used.has(spec.name)), this.repartitionPartitions, new Set(this.globalStores));
  }

  /**
   * Topics written by a sink and read by a source of this topology
   * (repartition topics: internal, created by the application).
   */
  get repartitionTopics(): string[] {
    // Global topics are never internal: global stores read input topics.
    const written = new Set(this.sinks.filter((sink) => !sink.perRecordTopic).map((sink) => sink.topic));
    return this.sourceTopics.filter((topic) => written.has(topic));
  }

  node(name: string): TopologyNode | undefined {
    return this.nodes.get(name);
  }

  /** Every source (global ones included). */
  get sources(): SourceNode[] {
    return [...this.nodes.values()].filter((node): node is SourceNode => node.kind === 'source');
  }

  /** The sources of global stores. */
  get globalSources(): SourceNode[] {
    return [...this.nodes.values()].filter((node): node is SourceNode => node.kind === 'source' && node.global === true);
  }

  get processors(): ProcessorNode[] {
    return [...this.nodes.values()].filter((node): node is ProcessorNode => node.kind === 'processor');
  }

  get sinks(): SinkNode[] {
    return [...this.nodes.values()].filter((node): node is SinkNode => node.kind === 'sink');
  }

  /** Every topic a task's source reads (global stores read `globalTopics`). */
  get sourceTopics(): string[] {
    return this.sources.filter((source) => source.global !== true).flatMap((source) => source.topics);
  }

  /** The source node that reads `topic`. */
  sourceFor(topic: string): SourceNode | undefined {
    return this.sources.find((source) => source.topics.includes(topic));
  }

  /** The same topology with processor `name` made by another supplier. */
  withProcessor(name: string, supplier: ProcessorSupplier): Topology {
    const node = this.nodes.get(name);
    if (!node || node.kind !== 'processor') throw new ConfigError(`no processor named '${name}'`, { node: name });
    const nodes = new Map(this.nodes);
    nodes.set(name, { ...node, supplier });
    return new Topology(nodes, this.storeSpecs, this.repartitionPartitions);
  }

  /** A text description in the style of Kafka Streams' TopologyDescription. */
  describe(): string {
    const lines = ['Topologies:'];
    for (const subtopology of [...this.subtopologies, ...this.globalSubtopologies].sort((a, b) => a.id - b.id)) {
      if (subtopology.id > 0) lines.push('');
      lines.push(`   Sub-topology: ${subtopology.id}${subtopology.global ? ' for global store (will not generate tasks)' : ''}`);
      for (const name of subtopology.nodes) describeNode(this.nodes.get(name)!, lines);
    }
    return lines.join('\n') + '\n';
  }
}

function describeNode(node: TopologyNode, lines: string[]): void {
  const children = node.kind === 'sink' ? [] : node.children;
  const parents = node.kind === 'source' ? [] : node.parents;
  if (node.kind === 'source') lines.push(`    Source: ${node.name} (topics: [${node.topics.join(', ')}])`);
  if (node.kind === 'processor') {
    const stores = node.stores === '*' ? '*' : node.stores.join(', ');
    lines.push(`    Processor: ${node.name} (${node.supplier.description}, stores: [${stores}])`);
  }
  if (node.kind === 'sink') lines.push(`    Sink: ${node.name} (${node.perRecordTopic ? 'topic chosen per record' : `topic: ${node.topic}`})`);
  if (children.length > 0) lines.push(`      --> ${children.join(', ')}`);
  if (parents.length > 0) lines.push(`      <-- ${parents.join(', ')}`);
}

/** The stores of processors fed by a global source: global stores. */
function findGlobalStores(nodes: ReadonlyMap<string, TopologyNode>): Set<string> {
  const names = new Set<string>();
  for (const node of nodes.values()) {
    if (node.kind !== 'processor' || node.stores === '*') continue;
    if (node.parents.some((parent) => { const source = nodes.get(parent); return source?.kind === 'source' && source.global === true; })) for (const store of node.stores) names.add(store);
  }
  return names;
}

/**
 * Splits the graph into sub-topologies (connected by edges and by shared
 * stores — but not by a global store, which its readers do not join).
 */
function makeSubtopologies(nodes: ReadonlyMap<string, TopologyNode>, globalStores: ReadonlySet<string>): Subtopology[] {
  const root = new Map<string, string>();
  const find = (name: string): string => {
    let current = name;
    while (root.get(current) !== current) current = root.get(current)!;
    root.set(name, current);
    return current;
  };
  const union = (a: string, b: string) => {
    const rootA = find(a);
    const rootB = find(b);
    if (rootA !== rootB) root.set(rootB, rootA);
  };
  for (const name of nodes.keys()) root.set(name, name);
  const storeOwner = new Map<string, string>();
  for (const node of nodes.values()) {
    if (node.kind !== 'source') for (const parent of node.parents) if (nodes.has(parent)) union(node.name, parent);
    if (node.kind === 'processor' && node.stores !== '*') {
      for (const store of node.stores) {
        if (globalStores.has(store)) continue;
        const owner = storeOwner.get(store);
        if (owner) union(owner, node.name);
        else storeOwner.set(store, node.name);
      }
    }
  }
  const sources = [...nodes.values()].filter((node): node is SourceNode => node.kind === 'source').sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const idOfRoot = new Map<string, number>();
  for (const source of sources) if (!idOfRoot.has(find(source.name))) idOfRoot.set(find(source.name), idOfRoot.size);
  const groups: Array<{ sources: SourceNode[]; nodes: TopologyNode[] }> = [...idOfRoot.keys()].map(() => ({ sources: [], nodes: [] }));
  for (const node of nodes.values()) {
    const id = idOfRoot.get(find(node.name));
    if (id === undefined) continue;
    groups[id]!.nodes.push(node);
  }
  for (const source of sources) groups[idOfRoot.get(find(source.name))!]!.sources.push(source);
  return groups.map((group, id) => {
    const global = group.sources.some((source) => source.global === true);
    const stores = new Set<string>();
    for (const node of group.nodes) if (node.kind === 'processor' && node.stores !== '*') for (const store of node.stores) if (global || !globalStores.has(store)) stores.add(store);
    return {
      id,
      global,
      sources: group.sources.map((source) => source.name),
      sourceTopics: group.sources.flatMap((source) => source.topics),
      nodes: group.nodes.map((node) => node.name),
      stores: [...stores],
      sinkTopics: [...new Set(group.nodes.flatMap((node) => (node.kind === 'sink' && !node.perRecordTopic ? [node.topic] : [])))],
    };
  });
}

const namePattern = /^[A-Za-z0-9._-]{1,200}$/;

export class TopologyBuilder {
  private readonly nodes = new Map<string, TopologyNode>();
  private readonly stores = new Map<string, StoreSpec>();
  private readonly partitionCounts = new Map<string, number>();

  /** Sets the partition count of a repartition topic (Kafka Streams' Repartitioned.numberOfPartitions). */
  setRepartitionPartitions(topic: string, partitions: number): this {
    if (!Number.isInteger(partitions) || partitions < 1) throw new ConfigError(`repartition topic '${topic}': the partition count must be a whole number ≥ 1, got ${partitions}`, { field: 'partitions' });
    this.partitionCounts.set(topic, partitions);
    return this;
  }

  /** Adds a source reading `topics` (with its own timestamp extractor: addSourceWith). */
  addSource(name: string, ...topics: string[]): this {
    return this.addSourceWith(name, {}, ...topics);
  }

  /** Adds a source reading `topics`, with options. */
  addSourceWith(name: string, options: { timestampExtractor?: TimestampExtractorName | TimestampExtractorSupplier }, ...topics: string[]): this {
    this.checkNewName(name);
    if (topics.length === 0) throw new ConfigError(`source '${name}' needs at least one topic`, { node: name, field: 'topics' });
    for (const topic of topics) {
      const owner = [...this.nodes.values()].find((node) => node.kind === 'source' && node.topics.includes(topic));
      if (owner) throw new ConfigError(`topic '${topic}' is already read by source '${owner.name}'`, { node: name, field: 'topics' });
      checkTopicName(topic, name);
    }
    this.nodes.set(name, { kind: 'source', name, topics, children: [], ...(options.timestampExtractor ? { timestampExtractor: options.timestampExtractor } : {}) });
    return this;
  }

  /**
   * Adds a processor node fed by `parents`, made by `processor`: a supplier,
   * or a WebAssembly plugin (a path or bytes) with `options.config` and
   * `options.limits`.
   */
  addProcessor(name: string, processor: ProcessorSupplier | PluginSource, options: ProcessorOptions = {}, ...parents: string[]): this {
    this.checkNewName(name);
    this.checkParents(name, parents);
    const config = Array.isArray(options.config) ? options.config : Object.entries(options.config ?? {});
    for (const [key, value] of config) {
      if (typeof value !== 'string') {
        throw new ConfigError(`config '${key}' of processor '${name}' must be a string`, { node: name, field: `config.${key}` });
      }
    }
    const isSupplier = typeof processor === 'object' && 'prepare' in processor;
    if (isSupplier && (config.length > 0 || options.limits)) {
      throw new ConfigError(`processor '${name}': config and limits belong to its supplier`, { node: name, field: 'config' });
    }
    const supplier = isSupplier ? processor : new PluginProcessorSupplier(processor, config, options.limits ?? {});
    const stores = options.stores ?? [];
    const node: ProcessorNode = {
      kind: 'processor',
      name,
      supplier,
      parents,
      children: [],
      stores: stores === '*' ? '*' : [],
    };
    this.nodes.set(name, node);
    this.linkParents(name, parents);
    if (stores !== '*') for (const store of stores) this.addStateStore(store, name);
    return this;
  }

  /** Adds a sink writing to `topic`, fed by `parents`. */
  addSink(name: string, topic: string, ...parents: string[]): this {
    this.checkNewName(name);
    this.checkParents(name, parents);
    checkTopicName(topic, name);
    this.nodes.set(name, { kind: 'sink', name, topic, parents });
    this.linkParents(name, parents);
    return this;
  }

  /** Adds a sink that writes each record to the topic the record names (chosen upstream, e.g. by a topic-name extractor). */
  addPerRecordTopicSink(name: string, ...parents: string[]): this {
    this.checkNewName(name);
    this.checkParents(name, parents);
    this.nodes.set(name, { kind: 'sink', name, topic: '', parents, perRecordTopic: true });
    this.linkParents(name, parents);
    return this;
  }

  /**
   * Declares a store — a name (a key-value store) or a spec (a window or
   * session store with its options) — and connects it to `processorNames`.
   */
  addStateStore(store: string | StoreSpec, ...processorNames: string[]): this {
    const spec = typeof store === 'string' ? (this.stores.get(store) ?? keyValueSpec(store)) : store;
    const name = spec.name;
    const invalid = validateStoreName(name);
    if (invalid) throw new ConfigError(invalid, { field: 'stores' });
    const earlier = this.stores.get(name);
    if (earlier && !sameSpec(earlier, spec)) throw new ConfigError(`store '${name}' is declared twice, differently (${earlier.kind} and ${spec.kind})`, { field: 'stores' });
    this.stores.set(name, spec);
    for (const processorName of processorNames) {
      const node = this.nodes.get(processorName);
      if (!node || node.kind !== 'processor') {
        throw new ConfigError(`store '${name}' is connected to '${processorName}', which is not a processor`, { node: processorName });
      }
      if (node.stores !== '*' && !node.stores.includes(name)) node.stores.push(name);
    }
    return this;
  }

  /**
   * Adds a global store (Kafka Streams' Topology.addGlobalStore): `source`
   * reads every partition of `topic` in every instance and feeds processor
   * `processorName`, which alone writes `store`; other processors connected
   * to the store (addStateStore) read it. The topic is the store's changelog.
   */
  addGlobalStore(store: StoreSpec, source: string, options: { timestampExtractor?: TimestampExtractorName | TimestampExtractorSupplier }, topic: string, processorName: string, processor: ProcessorSupplier): this {
    if (store.kind !== 'key-value') throw new ConfigError(`global store '${store.name}' must be a key-value store`, { field: 'stores' });
    this.addSourceWith(source, options, topic);
    (this.nodes.get(source) as SourceNode).global = true;
    this.addProcessor(processorName, processor, {}, source);
    this.addStateStore(store, processorName);
    return this;
  }

  build(): Topology {
    if (!this.sources.length) throw new ConfigError('a topology needs at least one source');
    const copy = new Map<string, TopologyNode>();
    for (const [name, node] of this.nodes) copy.set(name, structuredCloneNode(node));
    return new Topology(copy, [...this.stores.values()], new Map(this.partitionCounts));
  }

  private get sources(): SourceNode[] {
    return [...this.nodes.values()].filter((node): node is SourceNode => node.kind === 'source');
  }

  private checkNewName(name: string): void {
    if (!namePattern.test(name)) {
      throw new ConfigError(`node name '${name}' must be 1-200 characters of letters, digits, '.', '_' or '-'`, { node: name });
    }
    if (this.nodes.has(name)) throw new ConfigError(`a node named '${name}' already exists`, { node: name });
  }

  private checkParents(name: string, parents: string[]): void {
    if (parents.length === 0) throw new ConfigError(`node '${name}' needs at least one parent`, { node: name, field: 'parents' });
    for (const parent of parents) {
      const node = this.nodes.get(parent);
      if (!node) throw new ConfigError(`parent '${parent}' of node '${name}' does not exist (add parents first)`, { node: name, field: 'parents' });
      if (node.kind === 'sink') throw new ConfigError(`parent '${parent}' of node '${name}' is a sink, which has no children`, { node: name, field: 'parents' });
    }
  }

  private linkParents(name: string, parents: string[]): void {
    for (const parent of parents) {
      const node = this.nodes.get(parent)!;
      if (node.kind !== 'sink' && !node.children.includes(name)) node.children.push(name);
    }
  }
}

function structuredCloneNode(node: TopologyNode): TopologyNode {
  switch (node.kind) {
    case 'source':
      return { ...node, topics: [...node.topics], children: [...node.children] };
    case 'sink':
      return { ...node, parents: [...node.parents] };
    case 'processor':
      return {
        ...node,
        parents: [...node.parents],
        children: [...node.children],
        stores: node.stores === '*' ? '*' : [...node.stores],
      };
  }
}

function checkTopicName(topic: string, node: string): void {
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic)) {
    throw new ConfigError(`topic name '${topic}' is not a valid Kafka topic name`, { node, field: 'topic' });
  }
}
