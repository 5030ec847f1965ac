// A WebAssembly processor plugin as a Processor: the adapter between the
// engine's Processor API (processor/processor.ts) and a component of the
// `processor` world.
//
// Owns: loading and compiling the component once per prepare (the transpile
// cache makes repeats cheap), one PluginInstance per processor bound to its
// node's context, the node's plugin configuration passed to `init`, and the
// record's topic/partition/offset in a failure's context.
// Must never: be known to the engine by anything but the Processor interface.

import { PluginInitError, ProcessingError, type ErrorContext } from '../errors.ts';
import type { PreparedProcessor, Processor, ProcessorContext, ProcessorLimits, ProcessorSupplier } from '../processor/processor.ts';
import { toWitRecord, type StreamRecord } from '../record.ts';
import { PluginComponent, type CompiledPlugin } from './component.ts';
import { contextImports } from './host/context.ts';
import { kvStoreImports } from './host/kv-store.ts';
import { logImports } from './host/log.ts';
import { sessionStoreImports } from './host/session-store.ts';
import { windowStoreImports } from './host/window-store.ts';
import type { Processor as ProcessorExports } from './host/wit/processor.js';
import { PluginInstance } from './plugin-instance.ts';

/** Where a processor's component comes from: a file (or plugin folder's build), or bytes. */
export type PluginSource = string | { name: string; bytes: Uint8Array };

export function pluginName(plugin: PluginSource): string {
  return typeof plugin === 'string' ? plugin : plugin.name;
}

/** The host imports of the `processor` world, bound to one node's context. */
export function processorImports(context: ProcessorContext): (host: { log: ProcessorContext['log'] }) => Record<string, unknown> {
  return (host) => {
    const observed = Object.create(context, { log: { value: host.log.bind(host) } }) as ProcessorContext;
    return {
      'eddy:plugin/context': contextImports(observed),
      'eddy:plugin/kv-store': kvStoreImports(observed),
      'eddy:plugin/window-store': windowStoreImports(observed),
      'eddy:plugin/session-store': sessionStoreImports(observed),
      'eddy:plugin/log': logImports(observed),
    };
  };
}

export class PluginProcessorSupplier implements ProcessorSupplier {
  readonly description: string;

  constructor(
    readonly plugin: PluginSource,
    readonly config: ReadonlyArray<readonly [string, string]> = [],
    readonly limits: Partial<ProcessorLimits> = {},
  ) {
    this.description = `plugin: ${pluginName(plugin)}`;
  }

  /** The same plugin with another configuration. */
  withConfig(config: ReadonlyArray<readonly [string, string]>): PluginProcessorSupplier {
    return new PluginProcessorSupplier(this.plugin, config, this.limits);
  }

  async prepare(limits: ProcessorLimits): Promise<PreparedPluginProcessor> {
    const component = typeof this.plugin === 'string' ? await PluginComponent.fromFile(this.plugin) : await PluginComponent.fromBytes(this.plugin.bytes, this.plugin.name);
    return new PreparedPluginProcessor(await component.compile(limits), this.config.map(([key, value]) => [key, value] as [string, string]), limits);
  }
}

export class PreparedPluginProcessor implements PreparedProcessor {
  readonly name: string;

  constructor(
    readonly compiled: CompiledPlugin,
    readonly config: Array<[string, string]>,
    readonly limits: ProcessorLimits,
  ) {
    this.name = compiled.component.name;
  }

  get(): Processor {
    return new PluginProcessor(this.compiled, this.config);
  }
}

class PluginProcessor implements Processor {
  private instance: PluginInstance<ProcessorExports> | undefined;
  private context: ProcessorContext | undefined;

  constructor(
    private readonly compiled: CompiledPlugin,
    private readonly config: Array<[string, string]>,
  ) {}

  get usable(): boolean {
    return !this.instance?.isPoisoned;
  }

  init(context: ProcessorContext): void {
    this.context = context;
    const instance = PluginInstance.create<ProcessorExports>(this.compiled, context, processorImports(context));
    this.instance = instance;
    instance.call('init', (guest) => guest.init(this.config), (message) => new PluginInitError(`init rejected the configuration: ${message}`, instance.errorContext));
  }

  process(record: StreamRecord): void {
    const instance = this.instance!;
    // metadata() is a fresh object each call: no copy needed.
    const where: ErrorContext = this.context!.metadata() ?? {};
    instance.call('process', (guest) => guest.process(toWitRecord(record)), (message) => new ProcessingError(message, { ...instance.errorContext, ...where }), where);
  }

  punctuate(id: number, timestamp: number): void {
    const instance = this.instance!;
    instance.call('punctuate', (guest) => guest.punctuate(id, BigInt(timestamp)), (message) => new ProcessingError(`punctuate failed: ${message}`, instance.errorContext));
  }

  close(): void {
    const instance = this.instance;
    if (!instance || instance.isPoisoned) return;
    instance.call('close', (guest) => guest.close(), (message) => new ProcessingError(`close failed: ${message}`, instance.errorContext));
  }
}
