// A WebAssembly plugin of the `source-connector` or `sink-connector` world:
// the adapter between Connect's worker (runtime/connect/) and a connector
// component.
//
// Owns: loading and compiling the component (refusing one of another
// world), its configuration definition (`config-def`, read once at load; a
// connector of contract 0.1.0 declares none), one instance for the
// connector half (validate, task configs) and
// one per task, each with the host imports of its world — the log, and the
// capabilities granted by the connector's own configuration (never by what
// the plugin returns; `capabilityGrants` says which key grants which) —
// every call under the CPU guard and the memory
// cap, and every failure as a typed error naming the connector and task.
// Must never: be known to the worker by anything but the interfaces below,
// or grant a capability the connector's configuration does not name.

import { ConfigError, CpuLimitExceededError, type EddyError } from '../errors.ts';
import { GuardTimeout, runGuarded } from '../cpu-guard.ts';
import { defaultProcessorLimits, type LogLevel, type ProcessorLimits } from '../processor/processor.ts';
import { PluginComponent, type CompiledPlugin } from './component.ts';
import { contractVersion } from './contract/versions.ts';
import { fileAccessImports, type FileAccessCapability, type FileGrant } from './host/file-access.ts';
import { logImports } from './host/log.ts';
import { sqliteAccessImports, sqliteGrantKey, sqliteGrantOf, type SqliteAccessCapability, type SqliteGrant } from './host/sqlite-access.ts';
import { httpClientImports, httpGrantKey, httpGrantOf, type HttpClientCapability, type HttpGrant } from './host/http-client.ts';
import { errantRecordReporterImports, type ErrantRecordReporterCapability, type ErrantRecordSink } from './host/errant-record-reporter.ts';
import { sourceCommitsImports, type CommittedRecord, type SourceCommitsCapability } from './host/source-commits.ts';
import { retriableErrorsImports, type RetriableErrorsCapability } from './host/retriable-errors.ts';
import type { CommittedOffset, ConfigIssue, SinkRecord, SourceRecord, TopicPartitionOffset } from './host/wit/interfaces/eddy-plugin-connect-types.js';
import type { ConfigKey } from './host/wit/0.2.0/interfaces/eddy-plugin-connect-types.js';
import type { SinkRecord as SinkRecord0_3_0, SourceRecord as SourceRecord0_3_0 } from './host/wit/0.3.0/interfaces/eddy-plugin-connect-types.js';
import type * as Connector from './host/wit/interfaces/eddy-plugin-connector.js';
import type * as Connector0_2_0 from './host/wit/0.2.0/interfaces/eddy-plugin-connector.js';
import type * as SinkTask from './host/wit/interfaces/eddy-plugin-sink-task.js';
import type * as SourceTask from './host/wit/interfaces/eddy-plugin-source-task.js';
import { PluginInstance, type InstanceHost } from './plugin-instance.ts';

export type { CommittedOffset, CommittedRecord, ConfigIssue, ConfigKey, ErrantRecordSink, SinkRecord, SourceRecord, SourceRecord0_3_0, TopicPartitionOffset };
export type { SinkRecord0_3_0 };

/** What a connector's records carry, by its contract version (contract-version.ts). */
export type RecordShape = 'connect-value' | 'connect-record';
/** What a source task's poll returned, in the shape of its contract version. */
export type PolledRecords = { shape: 'connect-value'; records: SourceRecord[] } | { shape: 'connect-record'; records: SourceRecord0_3_0[] };
/** A batch for a sink task's `put`, in the shape of its contract version (`SinkTaskInstance.recordShape`). */
export type SinkRecords = { shape: 'connect-value'; records: SinkRecord[] } | { shape: 'connect-record'; records: SinkRecord0_3_0[] };
export type ConnectorKind = 'source' | 'sink';
export type Config = Array<[string, string]>;

/** 0.1.0's connector, and from 0.2.0 `config-def`. */
type Exports = { connector: typeof Connector & Partial<Pick<typeof Connector0_2_0, 'configDef' | 'exactlyOnceSupport'>>; sourceTask: typeof SourceTask; sinkTask: typeof SinkTask };

/** The capabilities a task is granted, at most one of each. */
export interface ConnectorGrants {
  file?: FileGrant;
  sqlite?: SqliteGrant;
  http?: HttpGrant;
}

/**
 * Which configuration key grants which capability: each read once from the
 * connector's own configuration (never from the task configurations its
 * plugin returns). A key absent, or with a value that names nothing the
 * capability grants, grants nothing.
 */
const capabilityGrants: ReadonlyArray<{ key: string; grant(value: string, kind: ConnectorKind): ConnectorGrants }> = [
  { key: 'file', grant: (file, kind) => ({ file: { file, mode: kind === 'source' ? 'read' : 'append' } }) },
  { key: sqliteGrantKey, grant: (url) => ({ sqlite: sqliteGrantOf(url) }) },
  { key: httpGrantKey, grant: (url) => ({ http: httpGrantOf(url) }) },
];

/** The capabilities a connector's configuration grants its tasks. */
export function connectorGrants(config: Config, kind: ConnectorKind): ConnectorGrants {
  const grants: ConnectorGrants = {};
  for (const { key, grant } of capabilityGrants) {
    const value = config.filter(([name]) => name === key).at(-1)?.[1];
    if (value) Object.assign(grants, grant(value, kind));
  }
  return grants;
}

/** Where a connector's plugin instances log and whom their errors name. */
export interface ConnectorHost {
  connector: string;
  log(level: LogLevel, task: string, message: string): void;
}

export class ConnectorPlugin {
  /** The connector's own configuration keys (Kafka's Connector.config()), read once; empty for a 0.1.0 connector. */
  configDef: readonly ConfigKey[] = [];

  private constructor(
    readonly kind: ConnectorKind,
    private readonly compiled: CompiledPlugin,
    private readonly limits: ProcessorLimits,
  ) {}

  static async load(path: string, limits: Partial<ProcessorLimits> = {}): Promise<ConnectorPlugin> {
    const component = await PluginComponent.fromFile(path);
    if (component.world !== 'source-connector' && component.world !== 'sink-connector') {
      throw new ConfigError(`'${component.name}' is a plugin of the '${component.world}' world; connector.class needs a plugin of the 'source-connector' or 'sink-connector' world`, { plugin: component.name, field: 'connector.class' });
    }
    const full = { ...defaultProcessorLimits, ...limits };
    const plugin = new ConnectorPlugin(component.world === 'source-connector' ? 'source' : 'sink', await component.compile(full), full);
    if (contractVersion(component.contractVersion).connectorConfigDef) {
      const half = plugin.connector({ connector: component.name, log: () => undefined });
      try {
        plugin.configDef = half.configDef();
      } finally {
        half.close();
      }
    }
    return plugin;
  }

  get name(): string {
    return this.compiled.component.name;
  }

  /** The connector half: validation and task configurations. */
  connector(host: ConnectorHost): ConnectorInstance {
    return new ConnectorInstance(this.instantiate(host, 'connector', {}), this.limits);
  }

  sourceTask(host: ConnectorHost, task: number, grants: ConnectorGrants = {}): SourceTaskInstance {
    if (this.kind !== 'source') throw new ConfigError(`'${this.name}' is a sink connector`, { plugin: this.name });
    return new SourceTaskInstance(this.instantiate(host, `${host.connector}-${task}`, grants), this.limits);
  }

  sinkTask(host: ConnectorHost, task: number, grants: ConnectorGrants = {}): SinkTaskInstance {
    if (this.kind !== 'sink') throw new ConfigError(`'${this.name}' is a source connector`, { plugin: this.name });
    return new SinkTaskInstance(this.instantiate(host, `${host.connector}-${task}`, grants), this.limits);
  }

  private instantiate(host: ConnectorHost, taskId: string, grants: ConnectorGrants): Bound {
    const files = fileAccessImports(grants.file);
    const sqlite = sqliteAccessImports(grants.sqlite);
    const http = httpClientImports(grants.http);
    const errant = errantRecordReporterImports();
    const commits = sourceCommitsImports();
    const retriable = retriableErrorsImports();
    const instanceHost: InstanceHost = {
      applicationId: host.connector,
      taskId,
      nodeName: host.connector,
      log: (level, message) => host.log(level, taskId, message),
      wallClockTime: () => Date.now(),
    };
    const instance = PluginInstance.create<Exports>(this.compiled, instanceHost, (observed) => ({
      'eddy:plugin/log': logImports(observed),
      'eddy:plugin/types': {},
      'eddy:plugin/connect-types': {},
      // From 0.3.0 the records use connect-data's types (no functions).
      'eddy:plugin/connect-data': {},
      'eddy:plugin/file-access': files.imports,
      // In the sink-connector world from 0.2.0 (a 0.1.0 component cannot import it: world.ts refuses it at load).
      'eddy:plugin/sqlite-access': sqlite.imports,
      // From 0.2.0 (as sqlite-access): asynchronous HTTP, and a sink's errant record reports.
      'eddy:plugin/http-client': http.imports,
      'eddy:plugin/errant-record-reporter': errant.imports,
      // From 0.2.0: a source task hears when its records and offsets are committed.
      'eddy:plugin/source-commits': commits.imports,
      // From 0.2.0: an `err` marked retriable (Kafka's RetriableException).
      'eddy:plugin/retriable-errors': retriable.imports,
    }));
    const imports = this.compiled.component.shape.imports;
    const reportsErrantRecords = imports.some((name) => name.startsWith('eddy:plugin/errant-record-reporter'));
    const hearsCommits = imports.some((name) => name.startsWith('eddy:plugin/source-commits'));
    const recordShape = contractVersion(this.compiled.component.contractVersion).connectorRecords;
    return { instance, reportsErrantRecords, hearsCommits, recordShape, files, sqlite, http, errant, commits, retriable };
  }
}

interface Bound {
  instance: PluginInstance<Exports>;
  /** Whether the component imports the errant record reporter. */
  reportsErrantRecords: boolean;
  /** Whether the component imports source-commits: only then does its driver say what was committed. */
  hearsCommits: boolean;
  /** What its records carry (its contract version's). */
  recordShape: RecordShape;
  files: FileAccessCapability;
  sqlite: SqliteAccessCapability;
  http: HttpClientCapability;
  errant: ErrantRecordReporterCapability;
  commits: SourceCommitsCapability;
  retriable: RetriableErrorsCapability;
}

/** Releases what an instance's capabilities hold open. */
function release(bound: Bound): void {
  try {
    bound.files.close();
  } finally {
    try {
      bound.sqlite.close();
    } finally {
      bound.http.close();
    }
  }
}

/**
 * Calls an export under the CPU guard; an `err` result becomes a
 * ConnectorError, or a RetriableConnectorError when the plugin marked it
 * retriable during the call (retriable-errors).
 */
function call<T>(bound: Bound, limits: ProcessorLimits, what: string, invoke: (exports: Exports) => T): T {
  bound.retriable.clear();
  const onError = (message: string): EddyError => bound.retriable.failure(what, message, bound.instance.errorContext);
  try {
    return runGuarded(() => bound.instance.call(what, invoke, onError), limits.cpuMs);
  } catch (error) {
    if (error instanceof GuardTimeout) {
      throw new CpuLimitExceededError(`${what} ran past the CPU limit: ${error.message}`, bound.instance.errorContext, { cause: error });
    }
    throw error;
  }
}

export class ConnectorInstance {
  constructor(private readonly bound: Bound, private readonly limits: ProcessorLimits) {}

  /** The connector's configuration definition (contract 0.2.0 on). */
  configDef(): ConfigKey[] {
    return call(this.bound, this.limits, 'config-def', (guest) => {
      if (!guest.connector.configDef) throw new ConfigError(`'${this.bound.instance.errorContext.plugin ?? 'the connector'}' exports no config-def`);
      return guest.connector.configDef();
    });
  }

  validate(config: Config): ConfigIssue[] {
    return call(this.bound, this.limits, 'validate', (guest) => guest.connector.validate(config));
  }

  taskConfigs(config: Config, maxTasks: number): Config[] {
    return call(this.bound, this.limits, 'task-configs', (guest) => guest.connector.taskConfigs(config, maxTasks));
  }

  /** Whether the connector gives exactly-once semantics with this configuration (Kafka's exactlyOnceSupport); undefined: it cannot say (a 0.1.0 connector). */
  exactlyOnceSupport(config: Config): boolean | undefined {
    return call(this.bound, this.limits, 'exactly-once-support', (guest) => guest.connector.exactlyOnceSupport?.(config));
  }

  close(): void {
    release(this.bound);
  }
}

/** What a source and a sink task instance share: the instance, its limits, and what its contract version says of it. */
abstract class TaskInstance {
  constructor(protected readonly bound: Bound, protected readonly limits: ProcessorLimits) {}

  get usable(): boolean {
    return !this.bound.instance.isPoisoned;
  }

  /** The plugin's name, for errors about what it returned or was given. */
  get pluginName(): string {
    return this.bound.instance.errorContext.plugin ?? 'the connector';
  }

  /** What the plugin's records carry (its contract version's). */
  get recordShape(): RecordShape {
    return this.bound.recordShape;
  }
}

export class SourceTaskInstance extends TaskInstance {
  start(config: Config, offsets: CommittedOffset[]): void {
    call(this.bound, this.limits, 'start', (guest) => guest.sourceTask.start(config, offsets));
  }

  /** The records ready now, in the shape of the plugin's contract version (what a worker calls). */
  pollRecords(): PolledRecords {
    const records = call(this.bound, this.limits, 'poll', (guest) => guest.sourceTask.poll() as unknown[]);
    return this.bound.recordShape === 'connect-record' ? { shape: 'connect-record', records: records as SourceRecord0_3_0[] } : { shape: 'connect-value', records: records as SourceRecord[] };
  }

  /** The records ready now, of a plugin of contract 0.1.0 or 0.2.0 (small values); a 0.3.0 plugin's: `pollRecords`. */
  poll(): SourceRecord[] {
    const polled = this.pollRecords();
    if (polled.shape !== 'connect-value') throw new ConfigError(`'${this.pluginName}' is a connector of contract 0.3.0: its records are Connect records (call pollRecords)`, this.bound.instance.errorContext);
    return polled.records;
  }

  /** Whether the plugin hears what was committed (it imports source-commits): only then need its driver tell it. */
  get hearsCommits(): boolean {
    return this.bound.hearsCommits;
  }

  /** Records of its polls now committed, in poll order; the plugin takes them in a later call. */
  recordsCommitted(records: readonly CommittedRecord[]): void {
    this.bound.commits.recordsCommitted(records);
  }

  /** Its offsets were committed (Kafka's SourceTask.commit). */
  offsetsCommitted(): void {
    this.bound.commits.offsetsCommitted();
  }

  stop(): void {
    try {
      if (this.usable) call(this.bound, this.limits, 'stop', (guest) => guest.sourceTask.stop());
    } finally {
      release(this.bound);
    }
  }
}

export class SinkTaskInstance extends TaskInstance {
  /** The wait the plugin asked for before its records are given again (Kafka's SinkTaskContext.timeout), once. */
  takeRetryTimeoutMs(): number | undefined {
    return this.bound.retriable.takeTimeoutMs();
  }

  /** Whether the plugin can report errant records (it imports the reporter): only then must the task keep what it put. */
  get reportsErrantRecords(): boolean {
    return this.bound.reportsErrantRecords;
  }

  /** Where the plugin's errant record reports go (undefined: they are refused, as Kafka's null reporter). */
  reportErrantRecordsTo(sink: ErrantRecordSink | undefined): void {
    this.bound.errant.reportTo(sink);
  }

  /**
   * Asynchronous work the plugin started and has not taken the outcome of
   * yet (its HTTP requests). While any is outstanding the plugin is not
   * done with what it was put: the task calls `put([])` as outcomes arrive
   * and flushes only once none is outstanding.
   */
  get outstandingIo(): number {
    return this.bound.http.outstanding();
  }

  /** Of those, the ones still running (not completed). */
  get inFlightIo(): number {
    return this.bound.http.inFlight();
  }

  /** Outcomes waiting for the plugin to take them (in its next call). */
  get completedIo(): number {
    return this.bound.http.completed();
  }

  /** Resolves when the next running piece of work completes; at once when none is running. */
  nextIoCompletion(): Promise<void> {
    return this.bound.http.nextCompletion();
  }

  start(config: Config): void {
    call(this.bound, this.limits, 'start', (guest) => guest.sinkTask.start(config));
  }

  /** Puts a batch in the shape of the plugin's contract version (what a worker calls). */
  putRecords(batch: SinkRecords): void {
    if (batch.shape !== this.bound.recordShape) throw new ConfigError(`put: records of shape ${batch.shape} for '${this.pluginName}', which takes ${this.bound.recordShape}`, this.bound.instance.errorContext);
    call(this.bound, this.limits, 'put', (guest) => guest.sinkTask.put(batch.records as SinkRecord[]));
  }

  /** Puts a batch into a plugin of contract 0.1.0 or 0.2.0 (small values); a 0.3.0 plugin's: `putRecords`. */
  put(records: SinkRecord[]): void {
    this.putRecords({ shape: 'connect-value', records });
  }

  flush(offsets: TopicPartitionOffset[]): void {
    call(this.bound, this.limits, 'flush', (guest) => guest.sinkTask.flush(offsets));
  }

  stop(): void {
    try {
      if (this.usable) call(this.bound, this.limits, 'stop', (guest) => guest.sinkTask.stop());
    } finally {
      release(this.bound);
    }
  }
}
