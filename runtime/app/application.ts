// A running application: `eddy run <app.yaml>`.
//
// Owns: checking the Kafka side before starting (source topics exist and are
// co-partitioned, sinks exist, changelog topics are created compacted with as
// many partitions as the sources), locking the state folder against a second
// process, starting `num.stream.threads` stream threads (in this thread for
// one, on worker threads for more), the admin endpoint, hot-swap across
// threads, and an orderly stop.
// Must never: coordinate instances itself — Kafka's group protocol does.

import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ConfigError, EddyError, messageOf } from '../errors.ts';
import { connectKafka } from '../kafka/connection.ts';
import type { KafkaConnection } from '../kafka/ports.ts';
import type { StoreSpec } from '../state/store-spec.ts';
import type { LogEntry } from '../task/stream-task.ts';
import { AdminServer } from './admin-server.ts';
import { changelogTopic, loadAppConfig, type AppConfig } from './app-config.ts';
import { GlobalStores } from './global-stores.ts';
import { StreamThread, type LogLevel, type SwapOutcome, type ThreadStatus } from './stream-thread.ts';
import { isProcessAlive } from '../process-alive.ts';

export interface ThreadHandle {
  start(): Promise<void>;
  stop(): Promise<void>;
  swap(node: string, plugin: string, config?: Array<[string, string]>): Promise<SwapOutcome[]>;
  status(): Promise<ThreadStatus>;
}

/** How long an instance waits, while starting, for a broker it cannot reach. */
const startupWaitMs = 300_000;

export interface ApplicationOptions {
  log?: (level: LogLevel, message: string) => void;
  onPluginLog?: (entry: LogEntry) => void;
}

export class Application {
  /** This instance's id in the group (kept in the state directory: see lockStateDirectory). */
  processId: string = randomUUID();
  private threads: ThreadHandle[] = [];
  private globalStores: GlobalStores | undefined;
  private globalKafka: KafkaConnection | undefined;
  private admin: AdminServer | undefined;
  private stopped: Promise<void> | undefined;

  private constructor(
    readonly config: AppConfig,
    private readonly log: (level: LogLevel, message: string) => void,
    private readonly onPluginLog: (entry: LogEntry) => void,
  ) {}

  static async start(configFile: string, options: ApplicationOptions = {}): Promise<Application> {
    const config = loadAppConfig(configFile);
    const log = options.log ?? ((level, message) => process.stderr.write(`[eddy] ${level} ${config.applicationId}: ${message}\n`));
    const onPluginLog =
      options.onPluginLog ??
      ((entry: LogEntry) => {
        if (entry.level !== 'trace' && entry.level !== 'debug') log(entry.level === 'error' ? 'error' : entry.level === 'warn' ? 'warn' : 'info', `task ${entry.taskId} node ${entry.node}: ${entry.message}`);
      });
    const application = new Application(config, log, onPluginLog);
    const deadline = Date.now() + startupWaitMs;
    // Checks and prepares the Kafka side (a configuration problem — a missing
    // topic, partition counts — fails at once).
    await application.whenReachable(undefined, deadline, () => application.prepareKafka());
    application.lockStateDirectory();
    try {
      // Global tables first: every instance reads them whole before its stream threads start (as Kafka Streams).
      application.globalStores = await application.whenReachable('reading the global tables', deadline, () =>
        GlobalStores.start(config, config.topology, application.globalConnection(), application.processId, log, onPluginLog),
      );
      application.threads = await Promise.all(
        Array.from({ length: config.numStreamThreads }, (_, index) =>
          application.whenReachable(`starting stream thread ${index}`, deadline, async () => {
            const thread = config.numStreamThreads === 1 ? application.localThread(index) : application.workerThread(index);
            try {
              await thread.start();
              return thread;
            } catch (error) {
              // Half started: release what it opened (bounded: the broker may be gone).
              await Promise.race([thread.stop().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
              throw error;
            }
          }),
        ),
      );
      if (config.adminListener) {
        application.admin = await AdminServer.start(config.adminListener, application);
        log('info', `admin endpoint at ${application.admin.url}`);
      }
    } catch (error) {
      await application.stop().catch(() => undefined);
      throw error;
    }
    log('info', `running with ${config.numStreamThreads} stream thread(s), processing.guarantee=${config.processingGuarantee}`);
    return application;
  }

  get adminUrl(): string | undefined {
    return this.admin?.url;
  }

  /**
   * Runs a startup step that talks to the broker — preparing the Kafka side,
   * reading the global tables, starting a stream thread — again with backoff
   * while the broker cannot be reached (not yet, or it goes away while the
   * step runs: a bounce during startup used to end the process with the
   * client's connection error), as Kafka Streams' clients keep retrying;
   * `attempt` cleans up after itself when it fails. A configuration problem,
   * or the deadline, ends it. `what` names a step after the first contact.
   */
  private async whenReachable<T>(what: string | undefined, deadline: number, attempt: () => Promise<T>): Promise<T> {
    for (let round = 1; ; round++) {
      try {
        return await attempt();
      } catch (error) {
        if (error instanceof ConfigError || Date.now() >= deadline) throw error;
        const delay = Math.min(10_000, 500 * 2 ** (round - 1));
        this.log(
          'warn',
          what === undefined
            ? `Kafka at ${this.config.bootstrapServers} cannot be reached yet (${messageOf(error)}); trying again in ${delay} ms`
            : `${what} failed (${messageOf(error)}); Kafka at ${this.config.bootstrapServers} may be restarting: trying again in ${delay} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async prepareKafka(): Promise<void> {
    const config = this.config;
    const admin = await connectKafka(config.bootstrapServers, `${config.applicationId}-admin`).admin();
    try {
      const topology = config.topology;
      // Sinks whose topic each record chooses are not known here; their topics must exist (as in Kafka Streams).
      const sinks = [...new Set(topology.sinks.filter((sink) => !sink.perRecordTopic).map((sink) => sink.topic))];
      // A topic written by a sink and read by a source of the same topology is
      // a repartition topic (Kafka Streams' groupBy / selectKey): internal,
      // created here. As Kafka Streams does, it gets the largest partition
      // count of the source topics of the sub-topologies that write it.
      const repartition = topology.repartitionTopics;
      const inputs = topology.sourceTopics.filter((topic) => !repartition.includes(topic));
      if (inputs.length === 0) throw new ConfigError('every source reads a topic the topology writes itself: at least one input topic is needed', { file: config.file, field: 'topology.sources' });
      const known = new Map(await admin.partitionCounts([...inputs, ...repartition]));
      const toCreate: Array<{ topic: string; partitions: number }> = [];
      for (let changed = true; changed; ) {
        changed = false;
        for (const topic of repartition) {
          if (known.get(topic) !== undefined) continue;
          const declared = topology.repartitionPartitions.get(topic);
          if (declared !== undefined) {
            known.set(topic, declared);
            toCreate.push({ topic, partitions: declared });
            changed = true;
            continue;
          }
          const writers = topology.subtopologies.filter((subtopology) => subtopology.sinkTopics.includes(topic));
          const counts = writers.flatMap((writer) => writer.sourceTopics.map((source) => known.get(source)));
          if (counts.length === 0 || counts.some((count) => count === undefined)) continue;
          const partitions = Math.max(...(counts as number[]));
          known.set(topic, partitions);
          toCreate.push({ topic, partitions });
          changed = true;
        }
      }
      if (toCreate.length > 0) await admin.ensureTopics(toCreate);
      const sources = topology.sourceTopics;
      const deadLetter = config.deadLetterQueueTopic ? [config.deadLetterQueueTopic] : [];
      // Global tables' topics: read whole, so any partition count will do, but they must exist.
      const counts = await admin.partitionCounts([...sources, ...topology.globalTopics, ...sinks, ...deadLetter]);
      const missing = [...counts].filter(([, count]) => count === undefined).map(([topic]) => topic);
      if (missing.length > 0) {
        throw new ConfigError(`topic(s) ${missing.join(', ')} do not exist: create them first (Eddy creates only its internal topics)`, { file: config.file, field: 'topology' });
      }
      // Co-partitioning, per sub-topology: a task reads partition p of each of its sources.
      const changelogs: Array<{ topic: string; partitions: number; config: Record<string, string> }> = [];
      for (const subtopology of topology.subtopologies) {
        const sourceCounts = subtopology.sourceTopics.map((topic) => counts.get(topic)!);
        if (new Set(sourceCounts).size > 1) {
          throw new ConfigError(
            `the source topics of sub-topology ${subtopology.id} must have the same number of partitions (co-partitioned): ${subtopology.sourceTopics.map((topic, index) => `${topic}=${sourceCounts[index]}`).join(', ')}`,
            { file: config.file, field: 'topology.sources' },
          );
        }
        for (const store of subtopology.stores) {
          changelogs.push({ topic: changelogTopic(config.applicationId, store), partitions: sourceCounts[0]!, config: changelogTopicConfig(topology.storeSpec(store)!) });
        }
      }
      await admin.ensureTopics(changelogs);
      const changelogCounts = await admin.partitionCounts(changelogs.map((changelog) => changelog.topic));
      for (const changelog of changelogs) {
        const count = changelogCounts.get(changelog.topic);
        if (count !== changelog.partitions) {
          throw new ConfigError(`changelog topic ${changelog.topic} has ${count} partitions but its sub-topology's sources have ${changelog.partitions}`, { file: config.file });
        }
      }
    } finally {
      await admin.disconnect();
    }
  }

  private lockStateDirectory(): void {
    const directory = join(this.config.stateDir, this.config.applicationId);
    mkdirSync(directory, { recursive: true });
    const lock = join(directory, '.lock');
    if (existsSync(lock)) {
      const pid = Number(readFileSync(lock, 'utf8'));
      if (pid && pid !== process.pid && isProcessAlive(pid)) {
        throw new ConfigError(`state.dir ${directory} is in use by process ${pid}: give each instance its own state.dir`, { file: this.config.file, field: 'state.dir' });
      }
    }
    writeFileSync(lock, String(process.pid));
    // The process id survives restarts, as Kafka Streams' does: the stream
    // threads' transactional ids are made from it, so a restarted instance
    // fences its killed predecessor's open transactions at once instead of
    // leaving them to time out.
    const idFile = join(directory, 'process-id');
    const kept = existsSync(idFile) ? readFileSync(idFile, 'utf8').trim() : '';
    if (/^[0-9a-f-]{36}$/.test(kept)) this.processId = kept;
    else writeFileSync(idFile, this.processId);
  }

  private globalConnection(): KafkaConnection {
    this.globalKafka ??= connectKafka(this.config.bootstrapServers, `${this.config.applicationId}-${this.processId}-GlobalStreamThread`);
    return this.globalKafka;
  }

  private localThread(index: number): ThreadHandle {
    const thread = new StreamThread(this.config, this.config.topology, index, this.processId, this.log, this.onPluginLog);
    return {
      start: () => thread.start(),
      stop: () => thread.stop(),
      swap: (node, plugin, config) => thread.swap(node, plugin, config),
      status: async () => thread.status(),
    };
  }

  private workerThread(index: number): ThreadHandle {
    const worker = new Worker(new URL('./thread-worker-entry.js', import.meta.url), {
      workerData: { configFile: this.config.file, index, processId: this.processId },
    });
    let nextId = 0;
    const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
    let exited = false;
    worker.on('message', (message: { type: string; id?: number; value?: unknown; error?: string; level?: LogLevel; text?: string; entry?: LogEntry }) => {
      if (message.type === 'log') this.log(message.level!, message.text!);
      else if (message.type === 'plugin-log') this.onPluginLog(message.entry!);
      else if (message.type === 'reply') {
        const pending = waiting.get(message.id!);
        waiting.delete(message.id!);
        if (message.error !== undefined) pending?.reject(new EddyError(message.error));
        else pending?.resolve(message.value);
      }
    });
    worker.on('error', (error) => this.log('error', `stream thread ${index} crashed: ${error.message}`));
    worker.on('exit', () => {
      exited = true;
      for (const pending of waiting.values()) pending.reject(new EddyError(`stream thread ${index} exited`));
      waiting.clear();
    });
    const call = <T>(type: string, args: unknown = {}): Promise<T> => {
      if (exited) return Promise.reject(new EddyError(`stream thread ${index} has exited`));
      const id = nextId++;
      return new Promise<T>((resolvePromise, reject) => {
        waiting.set(id, { resolve: resolvePromise as (value: unknown) => void, reject });
        worker.postMessage({ type, id, args });
      });
    };
    return {
      start: () => call('start'),
      stop: async () => {
        if (exited) return;
        await call('stop').catch(() => undefined);
        await worker.terminate();
      },
      swap: (node, plugin, config) => call('swap', { node, plugin, config }),
      status: () => call('status'),
    };
  }

  /** Hot-swaps processor `node` to the component at `plugin` in every thread. */
  async swap(node: string, plugin: string, config?: Array<[string, string]>): Promise<SwapOutcome[]> {
    const path = resolve(plugin);
    const outcomes = await Promise.all(this.threads.map((thread) => thread.swap(node, path, config)));
    const flat = outcomes.flat();
    const failed = flat.filter((outcome) => !outcome.swapped);
    this.log(failed.length === 0 ? 'info' : 'warn', `swap of '${node}' to ${path}: ${flat.length - failed.length} task(s) swapped, ${failed.length} kept the old version${failed.length ? `: ${failed[0]!.error}` : ''}`);
    return flat;
  }

  async status(): Promise<{ applicationId: string; processId: string; threads: ThreadStatus[] }> {
    return { applicationId: this.config.applicationId, processId: this.processId, threads: await Promise.all(this.threads.map((thread) => thread.status())) };
  }

  /** Commits and closes every task, leaves the group, and releases the state folder. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await this.admin?.stop();
      await Promise.all(this.threads.map((thread) => thread.stop().catch((error: unknown) => this.log('warn', `stopping a thread: ${messageOf(error)}`))));
      // After the threads: their tasks read the global stores.
      await this.globalStores?.stop().catch((error: unknown) => this.log('warn', `stopping the global stores: ${messageOf(error)}`));
      await this.globalKafka?.close().catch(() => undefined);
      rmSync(join(this.config.stateDir, this.config.applicationId, '.lock'), { force: true });
    })();
    return this.stopped;
  }
}

/**
 * A changelog topic's configuration, as Kafka Streams creates it: compacted;
 * for window and session stores also deleted after the store's retention plus
 * windowstore.changelog.additional.retention.ms (1 day).
 */
function changelogTopicConfig(spec: StoreSpec): Record<string, string> {
  if (spec.kind === 'key-value') return { 'cleanup.policy': 'compact' };
  return { 'cleanup.policy': 'compact,delete', 'retention.ms': String(spec.retentionMs + 86_400_000) };
}
