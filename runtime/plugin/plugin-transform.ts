// A WebAssembly plugin of the `transform` world: the adapter between
// Connect's transformation chain (runtime/connect/) and a component that
// provides Single Message Transforms and predicates by class name.
//
// Owns: loading and compiling the component (refusing one of another
// world), listing its classes, one instance per connector task (bound to
// the task's log) in which each configured transform or predicate is a
// resource of the plugin, every call under the CPU guard and the memory
// cap, a configuration refused by the plugin as its issues, and any other
// failure as a typed error naming the plugin and the task.
// Must never: be known to the worker by anything but the interfaces below,
// or hand a plugin anything but its own configuration and the record.

import { ConfigError, CpuLimitExceededError, type EddyError } from '../errors.ts';
import { GuardTimeout, runGuarded } from '../cpu-guard.ts';
import { defaultProcessorLimits, type LogLevel, type ProcessorLimits } from '../processor/processor.ts';
import { PluginComponent, type CompiledPlugin } from './component.ts';
import { logImports } from './host/log.ts';
import { retriableErrorsImports, type RetriableErrorsCapability } from './host/retriable-errors.ts';
import type { ConnectRecord } from './host/wit/interfaces/eddy-plugin-connect-data.js';
import type { ConfigIssue } from './host/wit/interfaces/eddy-plugin-connect-types.js';
import type { ConfigKey } from './host/wit/0.3.0/interfaces/eddy-plugin-connect-types.js';
import type * as Transformation0_3_0 from './host/wit/0.3.0/interfaces/eddy-plugin-transformation.js';
import { contractVersion } from './contract/versions.ts';
import type * as Transformation from './host/wit/interfaces/eddy-plugin-transformation.js';
import { PluginInstance, type InstanceHost } from './plugin-instance.ts';

export type { ConnectRecord as TransformRecord } from './host/wit/interfaces/eddy-plugin-connect-data.js';
export type { ConfigIssue };
export type TransformClassKind = Transformation.ClassKind;

/** 0.1.0's transformation, and from 0.3.0 `config-def`. */
type Exports = { transformation: typeof Transformation & Partial<Pick<typeof Transformation0_3_0, 'configDef'>> };
type Config = Array<[string, string]>;

/** Where a task's transform instances log and whom their errors name. */
export interface TransformHost {
  connector: string;
  /** The task (`<connector>-<n>`), or a name for a validation instance. */
  task: string;
  log(level: LogLevel, task: string, message: string): void;
}

/** A configured transformation: the new record, or `undefined` to drop it. */
export interface ConfiguredTransform {
  apply(record: ConnectRecord): ConnectRecord | undefined;
}

export interface ConfiguredPredicate {
  test(record: ConnectRecord): boolean;
}

/** The plugin's answer to a configuration: the configured resource, or its issues. */
export type Configured<T> = { ok: T } | { issues: ConfigIssue[] };

export class TransformPlugin {
  private constructor(
    private readonly compiled: CompiledPlugin,
    private readonly limits: ProcessorLimits,
    /** Class name → kind, read once. */
    readonly classes: ReadonlyMap<string, TransformClassKind>,
    /** Class name → the keys it reads (Kafka's config()), read once; undefined before contract 0.3.0 (not declared). */
    readonly configDefs: ReadonlyMap<string, readonly ConfigKey[]> | undefined,
  ) {}

  static async load(path: string, limits: Partial<ProcessorLimits> = {}): Promise<TransformPlugin> {
    const component = await PluginComponent.fromFile(path);
    if (component.world !== 'transform') {
      throw new ConfigError(`'${component.name}' is a plugin of the '${component.world}' world; a transform or predicate needs a plugin of the 'transform' world`, { plugin: component.name });
    }
    const full = { ...defaultProcessorLimits, ...limits };
    const compiled = await component.compile(full);
    const probe = new TransformInstance(compiled, full, { connector: '', task: '(classes)', log: () => undefined });
    const classes = probe.classes();
    const configDefs = contractVersion(component.contractVersion).transformConfigDef ? new Map(classes.map((info) => [info.name, probe.configDef(info.name)])) : undefined;
    return new TransformPlugin(compiled, full, new Map(classes.map((info) => [info.name, info.kind])), configDefs);
  }

  get name(): string {
    return this.compiled.component.name;
  }

  /** A fresh instance (one per task; a failure discards only it). */
  instance(host: TransformHost): TransformInstance {
    return new TransformInstance(this.compiled, this.limits, host);
  }
}

function isErrResult(error: unknown): error is { payload: unknown } {
  return error instanceof Error && error.constructor.name === 'ComponentError' && 'payload' in error;
}

export class TransformInstance {
  private readonly instance: PluginInstance<Exports>;
  private readonly retriable: RetriableErrorsCapability = retriableErrorsImports();

  constructor(compiled: CompiledPlugin, private readonly limits: ProcessorLimits, host: TransformHost) {
    const instanceHost: InstanceHost = {
      applicationId: host.connector,
      taskId: host.task,
      nodeName: host.connector,
      log: (level, message) => host.log(level, host.task, message),
      wallClockTime: () => Date.now(),
    };
    this.instance = PluginInstance.create<Exports>(compiled, instanceHost, (observed) => ({
      'eddy:plugin/log': logImports(observed),
      'eddy:plugin/types': {},
      'eddy:plugin/connect-types': {},
      'eddy:plugin/connect-data': {},
      // From 0.2.0: an `err` marked retriable (Kafka's RetriableException), retried under errors.retry.timeout.
      'eddy:plugin/retriable-errors': this.retriable.imports,
    }));
  }

  get usable(): boolean {
    return !this.instance.isPoisoned;
  }

  /** Calls an export under the CPU guard; `what` names the call in errors. */
  private call<T>(what: string, invoke: (exports: Exports) => T): T {
    this.retriable.clear();
    const onError = (message: string): EddyError => this.retriable.failure(what, message, this.instance.errorContext);
    try {
      return runGuarded(() => this.instance.call(what, invoke, onError), this.limits.cpuMs);
    } catch (error) {
      if (error instanceof GuardTimeout) {
        throw new CpuLimitExceededError(`${what} ran past the CPU limit: ${error.message}`, this.instance.errorContext, { cause: error });
      }
      throw error;
    }
  }

  classes(): Transformation.ClassInfo[] {
    return this.call('classes', (guest) => guest.transformation.classes());
  }

  /** The keys class `className` reads (contract 0.3.0 on). */
  configDef(className: string): ConfigKey[] {
    return this.call('config-def', (guest) => {
      if (!guest.transformation.configDef) throw new ConfigError(`'${this.instance.errorContext.plugin ?? 'the transform plugin'}' exports no config-def`);
      return guest.transformation.configDef(className);
    });
  }

  /** Configures a transformation of `className`; its issues when the plugin refuses the configuration. */
  createTransform(className: string, config: Config, what: string): Configured<ConfiguredTransform> {
    const created = this.configure(what, (guest) => guest.transformation.Transform.create(className, config));
    if ('issues' in created) return created;
    const resource = created.ok;
    return { ok: { apply: (record) => this.call(what, () => resource.apply(record)) } };
  }

  /** Configures a predicate of `className`; its issues when the plugin refuses the configuration. */
  createPredicate(className: string, config: Config, what: string): Configured<ConfiguredPredicate> {
    const created = this.configure(what, (guest) => guest.transformation.Predicate.create(className, config));
    if ('issues' in created) return created;
    const resource = created.ok;
    return { ok: { test: (record) => this.call(what, () => resource.test(record)) } };
  }

  private configure<T>(what: string, create: (exports: Exports) => T): Configured<T> {
    return this.call(what, (guest) => {
      try {
        return { ok: create(guest) };
      } catch (error) {
        // An `err` result is the plugin refusing the configuration, not a failure.
        if (isErrResult(error)) return { issues: error.payload as ConfigIssue[] };
        throw error;
      }
    });
  }
}
