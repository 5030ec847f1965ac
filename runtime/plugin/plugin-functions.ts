// A WebAssembly plugin of the `functions` world as a FunctionSource: the
// adapter between the DSL's user functions (processor/functions.ts) and a
// component that exports named predicates, mappers, aggregators, joiners.
//
// Owns: loading and compiling the component (refusing one of another world),
// reading its function list once at prepare (so a DSL step naming a missing
// function, or one of the wrong kind, fails before any record), one instance
// per opened set bound to its node's log, and every call's failure as a
// typed error naming the plugin, the function, the node and the record.
// Must never: be known to the DSL by anything but FunctionSource.

import { ConfigError, PluginInitError, ProcessingError, type ErrorContext } from '../errors.ts';
import type { Bytes, FunctionKind, FunctionSet, FunctionSignatures, FunctionSource, PreparedFunctionSource } from '../processor/functions.ts';
import type { ProcessorContext, ProcessorLimits } from '../processor/processor.ts';
import { PluginComponent, type CompiledPlugin } from './component.ts';
import { logImports } from './host/log.ts';
import type * as Guest from './host/wit/interfaces/eddy-plugin-dsl-functions.js';
import { PluginInstance, type InstanceHost } from './plugin-instance.ts';
import { pluginName, type PluginSource } from './plugin-processor.ts';

type Exports = { dslFunctions: typeof Guest };

export class PluginFunctionSource implements FunctionSource {
  readonly description: string;

  constructor(
    readonly plugin: PluginSource,
    readonly config: ReadonlyArray<readonly [string, string]> = [],
    readonly limits: Partial<ProcessorLimits> = {},
  ) {
    this.description = `functions: ${pluginName(plugin)}`;
  }

  async prepare(limits: ProcessorLimits): Promise<PreparedFunctionSource> {
    const component = typeof this.plugin === 'string' ? await PluginComponent.fromFile(this.plugin) : await PluginComponent.fromBytes(this.plugin.bytes, this.plugin.name);
    if (component.world !== 'functions') {
      throw new ConfigError(`'${component.name}' is a plugin of the '${component.world}' world; DSL functions need a plugin of the 'functions' world`, { plugin: component.name });
    }
    const compiled = await component.compile(limits);
    const config = this.config.map(([key, value]) => [key, value] as [string, string]);
    // One instance to read what the plugin provides with this configuration.
    const probe = instantiate(compiled, config, { applicationId: '', taskId: '', nodeName: '(prepare)', log: () => undefined, wallClockTime: () => Date.now() });
    const list = probe.call('functions', (guest) => guest.dslFunctions.functions(), (message) => new PluginInitError(message, probe.errorContext));
    return new PreparedPluginFunctions(compiled, config, new Map(list.map((info) => [info.name, info.kind])));
  }
}

function instantiate(compiled: CompiledPlugin, config: Array<[string, string]>, host: InstanceHost): PluginInstance<Exports> {
  const instance = PluginInstance.create<Exports>(compiled, host, (observed) => ({
    'eddy:plugin/log': logImports(observed),
    'eddy:plugin/types': {},
  }));
  instance.call('init', (guest) => guest.dslFunctions.init(config), (message) => new PluginInitError(`init rejected the configuration: ${message}`, instance.errorContext));
  return instance;
}

class PreparedPluginFunctions implements PreparedFunctionSource {
  readonly name: string;

  constructor(
    private readonly compiled: CompiledPlugin,
    private readonly config: Array<[string, string]>,
    readonly functions: ReadonlyMap<string, FunctionKind>,
  ) {
    this.name = compiled.component.name;
  }

  open(context: ProcessorContext): FunctionSet {
    return new PluginFunctionSet(instantiate(this.compiled, this.config, context), this.functions, context);
  }
}

// The bindings' `option<list<u8>>` is `Uint8Array | undefined`, as Bytes: no conversion.
const absent = (bytes: Bytes): Uint8Array | undefined => bytes;
const present = (bytes: Uint8Array | undefined): Bytes => bytes;

class PluginFunctionSet implements FunctionSet {
  private readonly indexes: Map<string, number>;

  constructor(
    private readonly instance: PluginInstance<Exports>,
    private readonly kinds: ReadonlyMap<string, FunctionKind>,
    private readonly context: ProcessorContext,
  ) {
    this.indexes = new Map([...kinds.keys()].map((name, index) => [name, index]));
  }

  get usable(): boolean {
    return !this.instance.isPoisoned;
  }

  get<K extends FunctionKind>(name: string, kind: K): FunctionSignatures[K] {
    const actual = this.kinds.get(name);
    if (actual === undefined) {
      throw new ConfigError(`the plugin has no function '${name}' (it has: ${[...this.kinds.keys()].join(', ') || 'none'})`, { ...this.instance.errorContext, function: name });
    }
    if (actual !== kind) throw new ConfigError(`function '${name}' is a ${actual}, but this step needs a ${kind}`, { ...this.instance.errorContext, function: name });
    const index = this.indexes.get(name)!;
    const what = `function '${name}'`;
    // Where the call happened is only worked out when it fails (calls are per record).
    const where = (): ErrorContext => ({ function: name, ...this.context.metadata() });
    const onError = (message: string) => new ProcessingError(`function '${name}' failed: ${message}`, { ...this.instance.errorContext, ...where() });
    const call = <T>(invoke: (guest: typeof Guest) => T): T => this.instance.call(what, (exports) => invoke(exports.dslFunctions), onError, where);
    const functions: { [Kind in FunctionKind]: () => FunctionSignatures[Kind] } = {
      predicate: () => (key, value) => call((guest) => guest.test(index, absent(key), absent(value))),
      'key-value-mapper': () => (key, value) => {
        const pair = call((guest) => guest.map(index, absent(key), absent(value)));
        return [present(pair.key), present(pair.value)];
      },
      'value-mapper': () => (key, value) => present(call((guest) => guest.mapValue(index, absent(key), absent(value)))),
      'key-selector': () => (key, value) => present(call((guest) => guest.selectKey(index, absent(key), absent(value)))),
      'flat-mapper': () => (key, value) => call((guest) => guest.flatMap(index, absent(key), absent(value))).map((pair) => [present(pair.key), present(pair.value)]),
      'flat-value-mapper': () => (key, value) => call((guest) => guest.flatMapValues(index, absent(key), absent(value))).map(present),
      initializer: () => () => present(call((guest) => guest.initialize(index))),
      aggregator: () => (key, value, aggregate) => present(call((guest) => guest.aggregate(index, absent(key), absent(value), absent(aggregate)))),
      reducer: () => (aggregate, value) => present(call((guest) => guest.reduce(index, absent(aggregate), absent(value)))),
      'value-joiner': () => (key, left, right) => present(call((guest) => guest.join(index, absent(key), absent(left), absent(right)))),
      action: () => (key, value) => call((guest) => guest.act(index, absent(key), absent(value))),
      merger: () => (key, first, second) => present(call((guest) => guest.merge(index, absent(key), absent(first), absent(second)))),
      'timestamp-extractor': () => (key, value, timestamp, partitionTime) => Number(call((guest) => guest.extractTimestamp(index, absent(key), absent(value), BigInt(timestamp), BigInt(partitionTime)))),
      'topic-name-extractor': () => (key, value, sourceTopic) => call((guest) => guest.extractTopic(index, absent(key), absent(value), sourceTopic)),
    };
    return functions[kind]() as FunctionSignatures[K];
  }
}
