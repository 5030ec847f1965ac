// A connector's chain of Single Message Transforms (Kafka's
// TransformationChain and TransformationStage): each stage a transform
// resource of a `transform` plugin, applied when it has no predicate or when
// `negate` XOR its predicate's test holds.
//
// Owns: loading the plugins the stages name (the shipped one built on first
// use), resolving class names (Kafka's full names, or simple ones such as
// `InsertField$Value`), validating every stage's configuration through its
// plugin at connector start (refusals name the key and its line), and per
// task one instance per plugin, the record encoded once for the whole chain.
// A failing stage throws a TransformationError naming the transform and its
// class (the task's error handler decides whether the task fails).
// Must never: let a task share a plugin instance with another task.

import { ConnectConfigError, ConnectorError, EddyError, messageOf } from '../errors.ts';
import type { LogLevel, ProcessorLimits } from '../processor/processor.ts';
import { TransformPlugin, type ConfiguredPredicate, type ConfiguredTransform, type TransformInstance, type TransformRecord } from '../plugin/plugin-transform.ts';
import type { ConnectRecordData } from './connect-data.ts';
import type { ClassConfig, TransformPluginLocation, TransformStage } from './transform-config.ts';
import { decodeRecord, encodeRecord } from './transform-record.ts';

/** A stage of the chain failed; `transformClass` is its class (for the error handler's reports). */
export class TransformationError extends ConnectorError {
  /** True when the stage's plugin marked its `err` retriable: `TaskTransformationChain.resume` tries the stage again. */
  override readonly retriable: boolean;

  constructor(detail: string, readonly transformClass: string, cause: unknown, readonly resumeAt?: ResumePoint) {
    super(detail, {}, { cause });
    this.retriable = cause instanceof EddyError && cause.retriable && resumeAt !== undefined;
  }
}

/** Where a chain stopped: the stage that failed and the record it was given. */
export interface ResumePoint {
  stage: number;
  record: TransformRecord;
  /** The plugin of the last stage that changed the record before it. */
  plugin: string;
}

/** Builds a plugin folder (or finds its build) and returns its component file. */
export type ComponentOf = (folder: string) => Promise<string>;

interface ResolvedClass {
  config: ClassConfig;
  plugin: TransformPlugin;
  /** The class name as the plugin lists it. */
  className: string;
}

interface ResolvedStage extends ResolvedClass {
  predicate: ResolvedClass | undefined;
  negate: boolean;
}

const loaded = new Map<string, Promise<TransformPlugin>>();

async function loadPlugin(location: TransformPluginLocation, componentOf: ComponentOf, limits: Partial<ProcessorLimits>): Promise<TransformPlugin> {
  const key = `${location.path}\0${JSON.stringify(limits)}`;
  let plugin = loaded.get(key);
  if (!plugin) {
    plugin = (async () => TransformPlugin.load(location.kind === 'component' ? location.path : await componentOf(location.path), limits))();
    loaded.set(key, plugin);
    plugin.catch(() => loaded.delete(key));
  }
  return plugin;
}

async function resolveClass(config: ClassConfig, kind: 'transformation' | 'predicate', componentOf: ComponentOf, limits: Partial<ProcessorLimits>): Promise<ResolvedClass> {
  const plugin = await loadPlugin(config.plugin, componentOf, limits);
  const candidates = [...plugin.classes].filter(([, classKind]) => classKind === kind).map(([name]) => name);
  const className = candidates.find((name) => name === config.className) ?? candidates.find((name) => name.endsWith(`.${config.className}`));
  if (className === undefined) {
    const from = config.plugin.builtIn ? 'the transforms Eddy ships' : `plugin ${plugin.name}`;
    throw new ConnectConfigError(
      kind === 'predicate' ? 'unknown-predicate-class' : 'unknown-transform-class',
      `Invalid value ${config.className} for configuration ${config.prefix}.type: Class ${config.className} could not be found (${from} provide${config.plugin.builtIn ? '' : 's'}: ${candidates.join(', ')})`,
      config.where(`${config.prefix}.type`),
    );
  }
  return { config, plugin, className };
}

function refused(resolved: ResolvedClass, issues: Array<{ key: string; message: string }>): ConnectConfigError {
  const { config } = resolved;
  const first = issues[0];
  const field = first && first.key !== '' ? `${config.prefix}.${first.key}` : `${config.prefix}.type`;
  return new ConnectConfigError(
    'transform-config-invalid',
    `Invalid configuration of ${config.prefix} (${resolved.className}): ${issues.map((issue) => (issue.key === '' ? issue.message : `${config.prefix}.${issue.key}: ${issue.message}`)).join('; ')}`,
    { ...config.where(field), plugin: resolved.plugin.name },
  );
}

function what(resolved: ResolvedClass, kind: 'transform' | 'predicate'): string {
  return `${kind} '${resolved.config.alias}' (${resolved.className})`;
}

interface TaskStage {
  transform: ConfiguredTransform;
  predicate: ConfiguredPredicate | undefined;
  negate: boolean;
}

/** The chain of one connector: validated once, then one per task. */
export class TransformationChain {
  private constructor(private readonly stages: ResolvedStage[]) {}

  get length(): number {
    return this.stages.length;
  }

  /**
   * Loads and resolves every stage and has each plugin check its
   * configuration; throws ConnectConfigError naming the first bad key.
   */
  static async prepare(
    stages: TransformStage[],
    connector: string,
    componentOf: ComponentOf,
    log: (level: LogLevel, where: string, message: string) => void,
    /** Each plugin instance's memory cap and CPU limit (default: the host's). */
    limits: Partial<ProcessorLimits> = {},
  ): Promise<TransformationChain> {
    const resolved: ResolvedStage[] = [];
    for (const stage of stages) {
      const transform = await resolveClass(stage, 'transformation', componentOf, limits);
      const predicate = stage.predicate && (await resolveClass(stage.predicate, 'predicate', componentOf, limits));
      resolved.push({ ...transform, predicate, negate: stage.negate });
    }
    const chain = new TransformationChain(resolved);
    // Configure every stage once in a validation instance, so a refused key fails the connector, not its tasks.
    chain.forTask({ connector, task: `${connector}-validate`, log });
    return chain;
  }

  /** The chain's resources for one task, in instances of its own. */
  forTask(host: { connector: string; task: string; log: (level: LogLevel, where: string, message: string) => void }): TaskTransformationChain {
    const instances = new Map<TransformPlugin, TransformInstance>();
    const instanceOf = (plugin: TransformPlugin): TransformInstance => {
      let instance = instances.get(plugin);
      if (!instance) {
        instance = plugin.instance(host);
        instances.set(plugin, instance);
      }
      return instance;
    };
    const configure = <T>(resolved: ResolvedClass, kind: 'transform' | 'predicate'): T => {
      const instance = instanceOf(resolved.plugin);
      const created = kind === 'transform'
        ? instance.createTransform(resolved.className, resolved.config.config, what(resolved, kind))
        : instance.createPredicate(resolved.className, resolved.config.config, what(resolved, kind));
      if ('issues' in created) throw refused(resolved, created.issues);
      return created.ok as T;
    };
    const stages: TaskStage[] = this.stages.map((stage) => ({
      transform: configure<ConfiguredTransform>(stage, 'transform'),
      predicate: stage.predicate && configure<ConfiguredPredicate>(stage.predicate, 'predicate'),
      negate: stage.negate,
    }));
    return new TaskTransformationChain(stages, this.stages);
  }
}

/** One task's chain. */
export class TaskTransformationChain {
  constructor(private readonly stages: TaskStage[], private readonly resolved: ResolvedStage[]) {}

  get empty(): boolean {
    return this.stages.length === 0;
  }

  /** The record after every stage, or `undefined` when a stage dropped it. */
  apply(record: ConnectRecordData): ConnectRecordData | undefined {
    if (this.stages.length === 0) return record;
    return this.run({ stage: 0, record: encodeRecord(record), plugin: '' });
  }

  /** Tries the stage that failed again (a retriable failure), then the rest of the chain. */
  resume(failure: TransformationError): ConnectRecordData | undefined {
    if (!failure.resumeAt) throw failure;
    return this.run(failure.resumeAt);
  }

  private run(from: ResumePoint): ConnectRecordData | undefined {
    let current = from.record;
    let plugin = from.plugin;
    for (let index = from.stage; index < this.stages.length; index++) {
      const stage = this.stages[index]!;
      const resolved = this.resolved[index]!;
      try {
        if (stage.predicate && stage.negate === stage.predicate.test(current)) continue;
        const next = stage.transform.apply(current);
        if (next === undefined) return undefined;
        current = next;
        plugin = resolved.plugin.name;
      } catch (error) {
        const resumeAt = { stage: index, record: current, plugin };
        if (error instanceof EddyError && error.detail.includes(`'${resolved.config.alias}'`)) throw new TransformationError(error.detail, resolved.className, error, resumeAt);
        throw new TransformationError(`${what(resolved, 'transform')} failed: ${messageOf(error)}`, resolved.className, error, resumeAt);
      }
    }
    return decodeRecord(current, plugin);
  }
}
