// One live instance of a plugin component, bound to one topology node.
//
// Owns: instantiating a compiled component with the host imports of its node
// (and nothing else), calling its exports, and turning every way a call can
// fail into a typed error with the plugin and node named: an `err` result
// (ProcessingError — the instance stays usable), a trap, a memory cap hit, a
// host call used wrongly (the instance is poisoned: discard it).
// Must never: call into a poisoned instance, or let a raw WebAssembly error out.

import {
  EddyError,
  HostCallError,
  MemoryLimitExceededError,
  PluginInitError,
  PluginTrapError,
  ProcessingError,
  messageOf,
  type ErrorContext,
} from '../errors.ts';
import { toWitRecord, type StreamRecord } from '../record.ts';
import { formatMemory, type CompiledPlugin } from './component.ts';
import { GuardTimeout } from '../cpu-guard.ts';
import { contextImports } from './host/context.ts';
import { kvStoreImports } from './host/kv-store.ts';
import { logImports } from './host/log.ts';
import { sessionStoreImports } from './host/session-store.ts';
import { windowStoreImports } from './host/window-store.ts';
import type { LogLevel, ProcessorContext } from '../processor/processor.ts';
import type { Processor } from './host/wit/processor.js';

/** A trap with memory this close to the cap is reported as the cap being hit. */
const memoryCapSlack = 0.1;

export class PluginInstance {
  private poisoned = false;
  private lastErrorLog: string | undefined;

  private constructor(
    private readonly compiled: CompiledPlugin,
    private readonly exports: Processor,
    private readonly memories: WebAssembly.Memory[],
    private readonly context: ErrorContext,
  ) {}

  /** Instantiates `compiled` with the imports of `host`'s node. */
  static create(compiled: CompiledPlugin, host: ProcessorContext): PluginInstance {
    const context: ErrorContext = {
      applicationId: host.applicationId,
      taskId: host.taskId,
      node: host.nodeName,
      plugin: compiled.component.name,
    };
    let instance: PluginInstance | undefined;
    const observedHost: ProcessorContext = Object.create(host, {
      log: {
        value: (level: LogLevel, message: string) => {
          if (level === 'error' && instance) instance.lastErrorLog = message;
          host.log(level, message);
        },
      },
    }) as ProcessorContext;
    let raw;
    try {
      raw = compiled.instantiate({
        'eddy:plugin/context': contextImports(observedHost),
        'eddy:plugin/kv-store': kvStoreImports(observedHost),
        'eddy:plugin/window-store': windowStoreImports(observedHost),
        'eddy:plugin/session-store': sessionStoreImports(observedHost),
        'eddy:plugin/log': logImports(observedHost),
      });
    } catch (error) {
      throw new PluginTrapError(`instantiation failed: ${messageOf(error)}`, context, { cause: error });
    }
    instance = new PluginInstance(compiled, raw.exports as unknown as Processor, raw.memories, context);
    return instance;
  }

  /** True after a failure that may have left the guest in a broken state. */
  get isPoisoned(): boolean {
    return this.poisoned;
  }

  /** Bytes of linear memory the instance holds now. */
  memoryBytes(): number {
    return this.memories.reduce((total, memory) => total + memory.buffer.byteLength, 0);
  }

  init(config: Array<[string, string]>): void {
    this.call('init', () => this.exports.init(config), (message) => new PluginInitError(`init rejected the configuration: ${message}`, this.context));
  }

  process(record: StreamRecord, where: ErrorContext): void {
    this.call('process', () => this.exports.process(toWitRecord(record)), (message) => new ProcessingError(message, { ...this.context, ...where }), where);
  }

  punctuate(id: number, timestamp: number): void {
    this.call('punctuate', () => this.exports.punctuate(id, BigInt(timestamp)), (message) => new ProcessingError(`punctuate failed: ${message}`, this.context));
  }

  close(): void {
    if (this.poisoned) return;
    this.call('close', () => this.exports.close(), (message) => new ProcessingError(`close failed: ${message}`, this.context));
  }

  private call(
    what: string,
    invoke: () => void,
    onErrResult: (message: string) => EddyError,
    where: ErrorContext = {},
  ): void {
    if (this.poisoned) {
      throw new PluginTrapError(`cannot call ${what}: the instance failed earlier and was discarded`, { ...this.context, ...where });
    }
    this.lastErrorLog = undefined;
    try {
      invoke();
    } catch (error) {
      if (isErrResult(error)) throw onErrResult(String(error.payload));
      this.poisoned = true;
      // A CPU-limit interrupt unwinds past this frame without running it; a
      // GuardTimeout arriving here came from a nested call — let it through.
      if (error instanceof GuardTimeout) throw error;
      throw this.classifyFailure(what, error, { ...this.context, ...where });
    }
  }

  private classifyFailure(what: string, error: unknown, context: ErrorContext): EddyError {
    if (error instanceof EddyError) return error.withContext(context);
    const used = this.memoryBytes();
    const cap = this.compiled.memoryCapBytes;
    const usage = `${formatMemory(used)} of the ${formatMemory(cap)} memory cap in use`;
    const lastLog = this.lastErrorLog ? `; the plugin logged: ${this.lastErrorLog}` : '';
    if (error instanceof WebAssembly.RuntimeError || error instanceof RangeError) {
      if (used >= cap * (1 - memoryCapSlack)) {
        return new MemoryLimitExceededError(
          `the plugin ran out of memory in ${what}: it reached its cap (${usage}) and trapped (${error.message})${lastLog}`,
          context,
          { cause: error },
        );
      }
      return new PluginTrapError(`the plugin trapped in ${what}: ${error.message} (${usage})${lastLog}`, context, { cause: error });
    }
    return new HostCallError(`the plugin failed in ${what}: ${messageOf(error)}${lastLog}`, context, { cause: error });
  }
}

function isErrResult(error: unknown): error is { payload: unknown } {
  // jco's glue throws its own `ComponentError` (with `payload`) for an `err` result.
  return error instanceof Error && error.constructor.name === 'ComponentError' && 'payload' in error;
}
