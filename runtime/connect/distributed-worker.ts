// The distributed worker (`eddy connect-distributed worker.properties`,
// Kafka's ConnectDistributed): one member of a Connect cluster — the
// workers with the same group.id — serving Kafka Connect's REST API.
//
// Owns: reading the worker file (the distributed keys: group.id and the
// config, offset and status storage topics), the Kafka connection, the
// REST listener (its host:port is the worker's id in the cluster), and
// starting and stopping the distributed herder.
// Must never: hold connector state itself (the herder and the topics do).

import { connectKafka } from '../kafka/connection.ts';
import { DistributedHerder } from './distributed-herder.ts';
import { KafkaOffsetStore } from './kafka-offset-store.ts';
import { readPropertiesFile } from './properties-file.ts';
import { ConnectRestServer } from './rest-server.ts';
import { advertisedWorkerId, parseWorkerConfig, type WorkerConfig } from './worker-config.ts';
import { ConnectWorker, stderrWorkerLog, type WorkerLog } from './worker.ts';

export interface DistributedOptions {
  log?: WorkerLog;
  sourceIdleMs?: number;
}

export class DistributedWorker {
  private constructor(
    readonly config: WorkerConfig,
    private readonly worker: ConnectWorker,
    readonly herder: DistributedHerder,
    private readonly rest: ConnectRestServer,
    /** Where the REST API is served (http://host:port). */
    readonly restUrl: string,
  ) {}

  static async start(workerFile: string, options: DistributedOptions = {}): Promise<DistributedWorker> {
    const config = parseWorkerConfig(readPropertiesFile(workerFile), 'distributed');
    const log = options.log ?? stderrWorkerLog;
    const offsets = new KafkaOffsetStore();
    const worker = new ConnectWorker(config, connectKafka(config.bootstrapServers.join(','), `connect-${config.distributed!.groupId}`), offsets, log, options.sourceIdleMs ?? 1000);
    const herder = new DistributedHerder(worker, config.distributed!, offsets);
    const rest = new ConnectRestServer(herder);
    try {
      const address = await rest.listen(config.listeners[0]!);
      herder.workerId = advertisedWorkerId(config, address);
      log('info', 'worker', `Kafka Connect REST API at ${address.url}; joining group ${config.distributed!.groupId}`);
      await herder.start();
      return new DistributedWorker(config, worker, herder, rest, address.url);
    } catch (error) {
      await herder.stop().catch(() => undefined);
      await rest.close().catch(() => undefined);
      await worker.close();
      throw error;
    }
  }

  /** Leaves the group (its connectors and tasks move to the other workers), stops the REST API. */
  async stop(): Promise<void> {
    await this.rest.close();
    await this.herder.stop();
    await this.worker.close();
  }
}
