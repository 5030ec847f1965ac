// The kafkajs ChangelogReader (ports.ts): reads changelog topics into task
// databases, restoring an active task before it processes and keeping standby
// copies warm.
//
// Owns: one consumer per stream thread over every changelog topic of the
// application (in a consumer group of its own, committing nothing — kafkajs
// has no manual assignment), seeking each tracked partition to the store's
// checkpoint, applying records in SQLite transactions together with the new
// checkpoint, and knowing when a restore has reached the end offset (control
// records and aborted transactions included, via kafkajs' batch events).
// Must never: apply a record of a partition nobody tracks, or report a
// restore done before every store reached the end offset seen at its start.

import type { Admin, Consumer, KafkaClient } from './kafka-client.ts';
import { highWatermarks } from './kafka-client.ts';
import type { ChangelogReader, ChangelogStore, RestoreResult } from './ports.ts';
import { checkpointName, type TaskDatabase } from '../state/task-database.ts';
import { fromChangelogValue } from '../state/value-and-timestamp.ts';

interface Tracked {
  taskId: string;
  partition: number;
  store: string;
  /** The store's values carry their timestamp; its changelog has it as the record timestamp. */
  timestamped: boolean;
  topic: string;
  database: TaskDatabase;
  /** Next offset to apply. */
  position: number;
  /** For restores: done when position reaches this. */
  target?: number;
  done?: () => void;
  restoredRecords: number;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class KafkajsChangelogReader implements ChangelogReader {
  private consumer: Consumer | undefined;
  private readonly tracked = new Map<string, Tracked>();
  private started: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly admin: Admin,
    private readonly groupId: string,
    private readonly topics: string[],
  ) {}

  start(): Promise<void> {
    this.started ??= this.run();
    return this.started;
  }

  private async run(): Promise<void> {
    if (this.topics.length === 0) return;
    await this.startConsumer();
  }

  /** Creates the consumer and waits for its first join (again, when one gave up). */
  private async startConsumer(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: this.groupId, readUncommitted: false, maxWaitTimeInMs: 100, sessionTimeout: 30_000 });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (event) => {
      // kafkajs restarts a consumer after a retriable error; one that gave up
      // (the broker gone too long) is replaced, so no restore waits forever.
      if ((event.payload as { restart: boolean }).restart || consumer !== this.consumer) return;
      this.consumer = undefined;
      void this.replaceConsumer(consumer);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: true });
    let joined: () => void = () => undefined;
    const firstJoin = new Promise<void>((resolve) => (joined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      // Runs before kafkajs fetches for the new assignment: fetch only what is
      // tracked, from where it stands (a rejoin resets kafkajs' positions).
      const assignment = event.payload.memberAssignment as Record<string, number[]>;
      for (const [topic, partitions] of Object.entries(assignment)) {
        for (const partition of partitions) {
          const entry = this.tracked.get(key(topic, partition));
          if (entry) consumer.seek({ topic, partition, offset: String(entry.position) });
          else consumer.pause([{ topic, partitions: [partition] }]);
        }
      }
      joined();
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
      const payload = event.payload as { topic: string; partition: number; lastOffset: string };
      const entry = this.tracked.get(key(payload.topic, payload.partition));
      if (entry) this.advance(entry, Number(payload.lastOffset) + 1);
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        const entry = this.tracked.get(key(batch.topic, batch.partition));
        if (!entry) {
          consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
          return;
        }
        const changes = [];
        let last = entry.position - 1;
        for (const message of batch.messages) {
          const offset = Number(message.offset);
          if (offset < entry.position || !message.key) continue;
          const value = message.value ?? undefined;
          changes.push({ key: message.key, value: entry.timestamped && value !== undefined ? fromChangelogValue(value, Number(message.timestamp)) : value });
          last = offset;
        }
        const next = Math.max(entry.position, last + 1);
        if (changes.length > 0) {
          entry.database.applyChangelog(entry.store, changes, checkpointName(entry.store), String(next));
          entry.restoredRecords += changes.length;
        }
        resolveOffset(batch.lastOffset());
        this.advance(entry, next);
        await heartbeat();
      },
    });
    await firstJoin;
  }

  /**
   * Brings the stores of a task up to the end of their changelog partitions,
   * from each store's checkpoint. Resolves when done.
   */
  async restore(taskId: string, partition: number, stores: ChangelogStore[], database: TaskDatabase): Promise<RestoreResult> {
    const started = Date.now();
    await this.start();
    const waits: Array<Promise<number>> = [];
    for (const { store, topic, timestamped = false } of stores) {
      // Up to the end of the log, not the last stable offset: a transaction
      // left open by a killed owner holds the stable offset back while later
      // owners' committed records lie past it. Read committed, the restore
      // moves past that transaction once it ends (aborted by the broker
      // within transaction.timeout.ms), so state is never restored short of
      // records the committed offsets stand for.
      const end = (await highWatermarks(this.admin, topic)).get(partition) ?? 0;
      let from = checkpointOf(database, store);
      if (from > end) {
        // The local copy is ahead of the changelog's log end (topic recreated?): start over.
        database.clearStore(store);
        from = 0;
      }
      if (from >= end) continue;
      waits.push(
        new Promise<number>((resolve) => {
          const entry: Tracked = { taskId, partition, store, timestamped, topic, database, position: from, target: end, restoredRecords: 0, done: () => resolve(entry.restoredRecords) };
          this.follow(entry);
        }),
      );
    }
    const counts = await Promise.all(waits);
    return { records: counts.reduce((total, count) => total + count, 0), milliseconds: Date.now() - started };
  }

  /** Keeps the stores of a standby task following their changelogs until `unfollow`. */
  async followStandby(taskId: string, partition: number, stores: ChangelogStore[], database: TaskDatabase): Promise<void> {
    await this.start();
    for (const { store, topic, timestamped = false } of stores) {
      this.follow({ taskId, partition, store, timestamped, topic, database, position: checkpointOf(database, store), restoredRecords: 0 });
    }
  }

  /** Stops applying records for a task's partitions. */
  unfollow(partition: number, stores: ChangelogStore[]): void {
    for (const { topic } of stores) {
      const id = key(topic, partition);
      if (!this.tracked.delete(id)) continue;
      this.consumer?.pause([{ topic, partitions: [partition] }]);
    }
  }

  private async replaceConsumer(old: Consumer): Promise<void> {
    await old.disconnect().catch(() => undefined);
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.startConsumer();
        return;
      } catch {
        await this.consumer?.disconnect().catch(() => undefined);
        this.consumer = undefined;
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * 2 ** (attempt - 1))));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const consumer = this.consumer;
    this.consumer = undefined;
    this.tracked.clear();
    if (consumer) await consumer.disconnect().catch(() => undefined);
  }

  private follow(entry: Tracked): void {
    this.tracked.set(key(entry.topic, entry.partition), entry);
    // Without a consumer (one is being replaced) the next join seeks it.
    const consumer = this.consumer;
    if (!consumer) return;
    try {
      consumer.seek({ topic: entry.topic, partition: entry.partition, offset: String(entry.position) });
    } catch {
      // Not running yet (being replaced): its first join seeks every tracked partition.
    }
    consumer.resume([{ topic: entry.topic, partitions: [entry.partition] }]);
  }

  private advance(entry: Tracked, position: number): void {
    if (position > entry.position) entry.position = position;
    if (entry.target === undefined) {
      // A standby copy: its checkpoint follows the position past transaction
      // markers too, so how far behind it is (KIP-441's lag, read from the
      // database) counts records, not markers.
      if (entry.position > checkpointOf(entry.database, entry.store)) {
        entry.database.applyChangelog(entry.store, [], checkpointName(entry.store), String(entry.position));
      }
      return;
    }
    if (entry.position >= entry.target) {
      this.tracked.delete(key(entry.topic, entry.partition));
      this.consumer?.pause([{ topic: entry.topic, partitions: [entry.partition] }]);
      if (position > checkpointOf(entry.database, entry.store)) {
        entry.database.applyChangelog(entry.store, [], checkpointName(entry.store), String(entry.position));
      }
      entry.done?.();
    }
  }
}

function checkpointOf(database: TaskDatabase, store: string): number {
  const value = database.checkpoint(checkpointName(store));
  return value === undefined ? 0 : Number(value);
}
