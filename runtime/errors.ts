// Typed errors of the Eddy host.
//
// Owns: every error class the host throws, the context each carries (tenant,
// application, task, plugin, node, offset) and whether retrying can help.
// Must never: swallow a cause, or build a message without the context a user
// needs to find the failing plugin, node, record or file.

// Nearly every module imports this one, so a script that uses Eddy's
// modules directly is re-run on the Node Eddy supports before anything else
// happens (supported-node.js).
import './supported-node.js';

/** Where an error happened. Every field is optional; what is known is set. */
export interface ErrorContext {
  tenant?: string;
  applicationId?: string;
  taskId?: string;
  /** The plugin: its file or name, and its content hash when known. */
  plugin?: string;
  /** The topology node that ran the plugin. */
  node?: string;
  /** The DSL function (of a functions plugin) that was called. */
  function?: string;
  /** The input record being processed. */
  topic?: string;
  partition?: number;
  offset?: number;
  /** A file or input line the error is about. */
  file?: string;
  line?: number;
  /** A configuration field, as a path such as `processors[0].config`. */
  field?: string;
}

const contextOrder: Array<keyof ErrorContext> = [
  'tenant', 'applicationId', 'taskId', 'node', 'plugin', 'function', 'topic', 'partition', 'offset', 'file', 'line', 'field',
];

/** Formats the known context as `key=value` pairs, in a stable order. */
export function describeContext(context: ErrorContext): string {
  const parts: string[] = [];
  for (const key of contextOrder) {
    const value = context[key];
    if (value !== undefined) parts.push(`${key}=${value}`);
  }
  return parts.join(' ');
}

/** Base class of every error the host raises on purpose. */
export class EddyError extends Error {
  /** True when the same operation may succeed if tried again. */
  readonly retriable: boolean = false;
  readonly context: ErrorContext;
  /** The message without the context suffix. */
  readonly detail: string;

  constructor(detail: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    const where = describeContext(context);
    super(where ? `${detail} [${where}]` : detail, options);
    this.name = new.target.name;
    this.detail = detail;
    this.context = context;
  }

  /** The same error with more context; fields already set win. */
  withContext(more: ErrorContext): EddyError {
    const Constructor = this.constructor as new (detail: string, context: ErrorContext, options?: { cause?: unknown }) => EddyError;
    const copy = new Constructor(this.detail, { ...more, ...this.context }, { cause: this.cause });
    copy.stack = this.stack;
    return copy;
  }
}

/** A configuration (app file, pipeline file, CLI flag, plugin config) is invalid. */
export class ConfigError extends EddyError {}

/**
 * A Kafka Connect configuration (a properties file, a worker or connector
 * key) is invalid. `code` is stable (e.g. `invalid-value`, `missing-key`,
 * `properties-malformed-escape`): tools may match on it, the message may change.
 */
export class ConnectConfigError extends ConfigError {
  readonly code: string;
  constructor(code: string, detail: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(`${detail} (${code})`, context, options);
    this.code = code;
  }

  override withContext(more: ErrorContext): EddyError {
    const copy = new ConnectConfigError(this.code, this.detail.replace(/ \([\w-]+\)$/, ''), { ...more, ...this.context }, { cause: this.cause });
    copy.stack = this.stack;
    return copy;
  }
}

/** A connector or one of its tasks failed (its plugin refused, trapped, or Kafka refused its records). */
export class ConnectorError extends EddyError {}

/**
 * A connector task or a transform returned an `err` it marked retriable
 * (eddy:plugin/retriable-errors, Kafka Connect's RetriableException): the
 * worker tries again as Kafka Connect does instead of failing at once.
 */
export class RetriableConnectorError extends ConnectorError {
  override readonly retriable: boolean = true;
}

/** A component file cannot be read, parsed, or does not fit a known world. */
export class ComponentLoadError extends EddyError {}

/** A component imports something the host does not provide. */
export class ForbiddenImportError extends ComponentLoadError {
  readonly imports: string[];
  constructor(imports: string[], context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(
      `the component imports ${imports.map((name) => `'${name}'`).join(', ')}, which the host does not provide ` +
        `(plugins may import only the interfaces of their world and the host's WASI 0.2)`,
      context,
      options,
    );
    this.imports = imports;
  }
  override withContext(more: ErrorContext): ForbiddenImportError {
    return new ForbiddenImportError(this.imports, { ...more, ...this.context }, { cause: this.cause });
  }
}

/** The plugin's `init` rejected its configuration. */
export class PluginInitError extends EddyError {}

/** The plugin returned an error for a record (e.g. the record is malformed). */
export class ProcessingError extends EddyError {}

/** The plugin trapped (panic, unreachable, out-of-bounds, failed allocation…). */
export class PluginTrapError extends EddyError {}

/** The plugin called WASI `exit`: its instance stopped (and is discarded), nothing else did. */
export class PluginExitError extends PluginTrapError {
  constructor(
    detail: string,
    /** The status the guest exited with. */
    readonly exitStatus: number,
    context: ErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(detail, context, options);
  }
  override withContext(more: ErrorContext): PluginExitError {
    const copy = new PluginExitError(this.detail, this.exitStatus, { ...more, ...this.context }, { cause: this.cause });
    copy.stack = this.stack;
    return copy;
  }
}

/** A plugin call ran past its CPU-time limit and was stopped. */
export class CpuLimitExceededError extends EddyError {}

/** A plugin tried to grow its memory past its cap and was stopped. */
export class MemoryLimitExceededError extends EddyError {}

/** A plugin used a host import wrongly (unknown child, store it may not use…). */
export class HostCallError extends EddyError {}

/** A record's timestamp is invalid (negative) and the timestamp extractor does not accept it. */
export class InvalidTimestampError extends EddyError {}

/** A state store operation failed. */
export class StateStoreError extends EddyError {}

/** A line of test-driver / dry-run input is malformed. */
export class InputFormatError extends EddyError {}

/** Errors raised because a plugin misbehaved: its task fails, nothing else. */
export type PluginFailure =
  | PluginTrapError
  | CpuLimitExceededError
  | MemoryLimitExceededError
  | HostCallError
  | ProcessingError;

export function isPluginFailure(error: unknown): error is PluginFailure {
  return (
    error instanceof PluginTrapError ||
    error instanceof CpuLimitExceededError ||
    error instanceof MemoryLimitExceededError ||
    error instanceof HostCallError ||
    error instanceof ProcessingError
  );
}

/** A short text for any thrown value. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
