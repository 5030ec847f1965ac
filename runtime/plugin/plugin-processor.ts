// A WebAssembly processor plugin as a Processor: the adapter between the
// engine's Processor API (processor/processor.ts) and a component of the
// `processor` world.
//
// Owns: loading and compiling the component once per prepare (the transpile
// cache makes repeats cheap), one PluginInstance per processor bound to its
// node's context, the node's plugin configuration passed to `init`, and the
// record's topic/partition/offset in a failure's context.
// Must never: be known to the engine by anything but the Processor interface.

import type { ErrorContext } from '../errors.ts';
import type { PreparedProcessor, Processor, ProcessorContext, ProcessorLimits, ProcessorSupplier } from '../processor/processor.ts';
import type { StreamRecord } from '../record.ts';
import { PluginComponent, type CompiledPlugin } from './component.ts';
import { PluginInstance } from './plugin-instance.ts';

/** Where a processor's component comes from: a file (or plugin folder's build), or bytes. */
export type PluginSource = string | { name: string; bytes: Uint8Array };

export function pluginName(plugin: PluginSource): string {
  return typeof plugin === 'string' ? plugin : plugin.name;
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
  private instance: PluginInstance | undefined;
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
    this.instance = PluginInstance.create(this.compiled, context);
    this.instance.init(this.config);
  }

  process(record: StreamRecord): void {
    const where: ErrorContext = { ...this.context!.metadata() };
    this.instance!.process(record, where);
  }

  punctuate(id: number, timestamp: number): void {
    this.instance!.punctuate(id, timestamp);
  }

  close(): void {
    this.instance?.close();
  }
}
