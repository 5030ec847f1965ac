// The standalone worker (`eddy connect-standalone worker.properties
// connector1.properties …`, Kafka's ConnectStandalone): one process, the
// connectors of the files it was given plus those added through the REST
// API, source offsets in a local file.
//
// Owns: reading the worker and connector files, refusing a name given
// twice, checking each file's connector before anything starts (refusals
// name the file, the key and its line), putting them into the standalone
// herder, serving Kafka Connect's REST API on the first of `listeners`,
// flushing source offsets every offset.flush.interval.ms and at stop, and a
// status report of each connector's tasks.
// Must never: let one connector's failure stop another, or talk to Kafka
// except through the ports (the worker runtime, worker.ts, does).

import { ConnectConfigError } from '../errors.ts';
import { connectKafka } from '../kafka/connection.ts';
import type { LogLevel } from '../processor/processor.ts';
import { readConnectorFile } from './connector-config.ts';
import { FileOffsetStore } from './offset-store.ts';
import { readPropertiesFile } from './properties-file.ts';
import { ConnectRestServer } from './rest-server.ts';
import { StandaloneHerder } from './standalone-herder.ts';
import type { TaskStatus } from './task-state.ts';
import { advertisedWorkerId, parseWorkerConfig, type WorkerConfig } from './worker-config.ts';
import { ConnectWorker, stderrWorkerLog, type LoadedConnector } from './worker.ts';

export { builtComponent } from './worker.ts';

export interface StandaloneOptions {
  /** Where log lines go (default: stderr). */
  log?: (level: LogLevel, where: string, message: string) => void;
  /** How long a source task waits after an empty poll (default 1000 ms, as Kafka's FileStreamSource). */
  sourceIdleMs?: number;
}

export interface ConnectorStatus {
  name: string;
  type: 'source' | 'sink';
  /** Per task: its state, its trace when FAILED, and the records skipped by errors.tolerance=all. */
  tasks: Array<{ id: number; state: TaskStatus; trace?: string; skipped: number }>;
}

export class StandaloneWorker {
  private flushTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly config: WorkerConfig,
    private readonly worker: ConnectWorker,
    readonly herder: StandaloneHerder,
    private readonly rest: ConnectRestServer,
    /** Where the REST API is served (http://host:port). */
    readonly restUrl: string,
  ) {}

  /** Reads the files, starts every connector and the REST API; throws (having stopped what started) if one cannot start. */
  static async start(workerFile: string, connectorFiles: string[], options: StandaloneOptions = {}): Promise<StandaloneWorker> {
    const config = parseWorkerConfig(readPropertiesFile(workerFile));
    const connectors = connectorFiles.map((file) => readConnectorFile(file, config.pluginPath));
    const seen = new Map<string, string | undefined>();
    for (const connector of connectors) {
      if (seen.has(connector.name)) {
        throw new ConnectConfigError('duplicate-connector', `Connector ${connector.name} already exists (also in ${seen.get(connector.name)})`, { file: connector.file, field: 'name' });
      }
      seen.set(connector.name, connector.file);
    }
    const log = options.log ?? stderrWorkerLog;
    const worker = new ConnectWorker(config, connectKafka(config.bootstrapServers.join(','), 'connect-standalone'), FileOffsetStore.open(config.offsetStorageFile!), log, options.sourceIdleMs ?? 1000);
    let herder: StandaloneHerder | undefined;
    let rest: ConnectRestServer | undefined;
    try {
      // Every file is checked before any connector starts.
      const loaded: LoadedConnector[] = [];
      for (const connector of connectors) loaded.push(await worker.load(connector));
      const listener = config.listeners[0]!;
      herder = new StandaloneHerder(worker);
      rest = new ConnectRestServer(herder);
      const address = await rest.listen(listener);
      herder.workerId = advertisedWorkerId(config, address);
      log('info', 'worker', `Kafka Connect REST API at ${address.url}`);
      for (const connector of loaded) await herder.addLoaded(connector);
      const standalone = new StandaloneWorker(config, worker, herder, rest, address.url);
      standalone.flushTimer = setInterval(() => void worker.flushOffsets(), Math.max(config.offsetFlushIntervalMs, 1));
      return standalone;
    } catch (error) {
      await herder?.stopAll().catch(() => undefined);
      await rest?.close().catch(() => undefined);
      await worker.close();
      throw error;
    }
  }

  status(): ConnectorStatus[] {
    return this.herder.connectors().map((name) => {
      const status = this.herder.connectorStatus(name);
      const tasks = this.herder.workerTasks(name);
      return {
        name,
        type: status.type === 'sink' ? 'sink' : 'source',
        tasks: tasks.map((task) => ({ id: task.state.task, state: task.state.status, ...(task.state.trace ? { trace: task.state.trace } : {}), skipped: task.errors.skipped })),
      };
    });
  }

  /** Stops the REST API and every task (sources: records in flight acknowledged; sinks: flushed and committed), then stores the offsets. */
  async stop(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    await this.rest.close();
    await this.herder.stopAll();
    await this.worker.close();
  }
}
