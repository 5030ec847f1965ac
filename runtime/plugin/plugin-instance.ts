// One live instance of a plugin component, bound to one topology node.
//
// Owns: instantiating a compiled component with the host imports its world
// adapter hands over, plus the host's deny-by-default WASI (wasi/) when the
// component imports WASI (and nothing else), calling its exports, and turning
// every way a call can fail into a typed error with the plugin and node
// named: an `err` result (the adapter's error — the instance stays usable), a
// trap, a WASI `exit`, a memory cap hit, a host call used wrongly (the
// instance is poisoned: discard it; so is one whose call the CPU guard
// stopped midway). World-agnostic: the processor and
// functions adapters say which imports and exports. Version-agnostic too:
// the imports go through the module of the component's contract version
// (contract/), the one place a version's differences live.
// Must never: call into a poisoned instance, or let a raw WebAssembly error out.

import {
  EddyError,
  HostCallError,
  MemoryLimitExceededError,
  PluginExitError,
  PluginTrapError,
  messageOf,
  type ErrorContext,
} from '../errors.ts';
import { formatMemory, type CompiledPlugin } from './component.ts';
import { contractVersion } from './contract/versions.ts';
import { GuardTimeout } from '../cpu-guard.ts';
import type { LogLevel } from '../processor/processor.ts';
import { GuestExit } from './wasi/cli-exit.ts';
import { importsWasi } from './wasi/interfaces.ts';
import { wasiImports } from './wasi/wasi-imports.ts';

/** What an instance is bound to: names for errors, the log its plugin writes to, its task's clock. */
export interface InstanceHost {
  readonly applicationId: string;
  readonly taskId: string;
  readonly nodeName: string;
  log(level: LogLevel, message: string): void;
  /** The task's wall clock (ms since the epoch): what WASI's wall clock tells the guest. */
  wallClockTime(): number;
}

/** A trap with memory this close to the cap is reported as the cap being hit. */
const memoryCapSlack = 0.1;

export class PluginInstance<Exports = Record<string, unknown>> {
  private poisoned = false;
  /**
   * Set while a call runs. A CPU-limit interrupt unwinds past `call` without
   * running its catch, so still set between calls means the last call was
   * stopped midway: the guest's state is broken, as after a trap.
   */
  private inCall = false;
  private lastErrorLog: string | undefined;

  private constructor(
    private readonly compiled: CompiledPlugin,
    private readonly exports: Exports,
    private readonly memories: WebAssembly.Memory[],
    private readonly context: ErrorContext,
  ) {}

  /**
   * Instantiates `compiled` with the imports `imports` makes for `host` (its
   * log is observed, so a trap can be reported with the plugin's last error line).
   */
  static create<Exports>(compiled: CompiledPlugin, host: InstanceHost, imports: (host: InstanceHost) => Record<string, unknown>): PluginInstance<Exports> {
    const context: ErrorContext = {
      applicationId: host.applicationId,
      taskId: host.taskId,
      node: host.nodeName,
      plugin: compiled.component.name,
    };
    let instance: PluginInstance<Exports> | undefined;
    const observedHost = Object.create(host, {
      log: {
        value: (level: LogLevel, message: string) => {
          if (level === 'error' && instance) instance.lastErrorLog = message;
          host.log(level, message);
        },
      },
    }) as InstanceHost;
    let raw;
    try {
      const worldImports = contractVersion(compiled.component.contractVersion).adaptImports(imports(observedHost));
      // WASI only for a component that imports it: a no-WASI plugin pays nothing.
      const all = importsWasi(compiled.component.shape.imports) ? { ...wasiImports(observedHost), ...worldImports } : worldImports;
      raw = compiled.instantiate(all);
    } catch (error) {
      if (error instanceof EddyError) throw error.withContext(context);
      throw new PluginTrapError(`instantiation failed: ${messageOf(error)}`, context, { cause: error });
    }
    instance = new PluginInstance<Exports>(compiled, raw.exports as Exports, raw.memories, context);
    return instance;
  }

  /** True after a failure that may have left the guest in a broken state. */
  get isPoisoned(): boolean {
    return this.poisoned || this.inCall;
  }

  /** Bytes of linear memory the instance holds now. */
  memoryBytes(): number {
    return this.memories.reduce((total, memory) => total + memory.buffer.byteLength, 0);
  }

  /** The names of this instance, for errors raised around it. */
  get errorContext(): ErrorContext {
    return this.context;
  }

  /**
   * Calls an export. An `err` result becomes `onErrResult(message)` and the
   * instance stays usable; any other failure poisons it and is classified.
   */
  call<T>(
    what: string,
    invoke: (exports: Exports) => T,
    onErrResult: (message: string) => EddyError,
    /** Where the call happened, for errors (a function: computed only when one is raised). */
    where: ErrorContext | (() => ErrorContext) = {},
  ): T {
    if (this.isPoisoned) {
      throw new PluginTrapError(`cannot call ${what}: the instance failed earlier and was discarded`, { ...this.context, ...(typeof where === 'function' ? where() : where) });
    }
    this.lastErrorLog = undefined;
    this.inCall = true;
    try {
      const result = invoke(this.exports);
      this.inCall = false;
      return result;
    } catch (error) {
      this.inCall = false;
      if (isErrResult(error)) throw onErrResult(String(error.payload));
      this.poisoned = true;
      // A CPU-limit interrupt unwinds past this frame without running it; a
      // GuardTimeout arriving here came from a nested call — let it through.
      if (error instanceof GuardTimeout) throw error;
      throw this.classifyFailure(what, error, { ...this.context, ...(typeof where === 'function' ? where() : where) });
    }
  }

  private classifyFailure(what: string, error: unknown, context: ErrorContext): EddyError {
    if (error instanceof EddyError) return error.withContext(context);
    const lastLog = this.lastErrorLog ? `; the plugin logged: ${this.lastErrorLog}` : '';
    if (error instanceof GuestExit) {
      return new PluginExitError(
        `the plugin called ${error.description} in ${what}: only this instance stopped, and it is discarded (the host and other instances go on)${lastLog}`,
        error.status,
        context,
        { cause: error },
      );
    }
    const used = this.memoryBytes();
    const cap = this.compiled.memoryCapBytes;
    const usage = `${formatMemory(used)} of the ${formatMemory(cap)} memory cap in use`;
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
