// Exactly-once v2 as Kafka Streams does it (KIP-447): one transactional
// producer per stream thread, shared by every task of the thread. The outputs,
// changelog records and input offsets of all the thread's tasks go into one
// transaction, committed together; the offsets carry the consumer group's
// generation and member id, so a member that has lost its partitions in a
// rebalance cannot commit them (the group coordinator refuses: its
// transaction aborts), and the next owner of a partition reads its committed
// offsets only once no transaction holds pending offsets for it.
//
// Owns: the thread's transactional producer (its id is the process id and
// thread index — stable across restarts of an instance, so a restarted
// instance fences its own previous incarnation at once — and replaced to
// end a transaction that must not commit), the commit of many participants in
// one transaction, and the rule that a transaction a participant failed in
// is never committed ("poisoned"): it is aborted and every participant rolls
// back to its last commit.
// Must never: commit while poisoned, commit a participant's local state
// before the transaction committed, or let anything be processed or sent
// while it commits: processing runs under `shared` (any number at once),
// a commit under `exclusive` — so a task that opened after the commit
// started cannot slip records into the transaction being committed.

import { EddyError, messageOf } from '../errors.ts';
import type { GroupMetadata, KafkaConnection, OutgoingRecord, ProducedBatch, TopicPartitionOffset, TransactionalProducer } from '../kafka/ports.ts';

/** One task's part of the thread's transaction, held (not processing) while the thread commits. */
export interface TransactionParticipant {
  readonly name: string;
  /** Processed or sent anything since its last commit. */
  hasUncommittedWork(): boolean;
  /** Flushes caches and sends everything pending; the input offsets to commit. Throws when the participant fails. */
  prepareCommit(): Promise<TopicPartitionOffset[]>;
  /** The transaction committed: commit local state and bookkeeping. */
  committed(): void;
  /** The transaction aborted: back to the last commit, and stop until reopened. */
  rollBack(reason: EddyError, cause: 'own' | 'collateral'): void;
}

export class ThreadTransaction {
  private producer: Promise<TransactionalProducer> | undefined;
  private poisonedBy: string | undefined;
  private sentSinceCommit = false;
  /** Processing under way (shared), and the exclusive section (a commit) running or waiting. */
  private sharers = 0;
  private exclusiveTail: Promise<void> = Promise.resolve();
  private exclusivePending = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly connection: KafkaConnection,
    readonly transactionalId: string,
    private readonly group: () => GroupMetadata,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void,
    /** The broker aborts a transaction open longer (and a dead instance's open transaction after it). */
    private readonly transactionTimeoutMs: number,
  ) {}

  /**
   * Opens the producer now: registering the transactional id fences this
   * thread's previous incarnation (a killed instance restarted) and aborts
   * its open transaction.
   */
  async open(): Promise<void> {
    await this.currentProducer();
  }

  /**
   * Runs processing that may send into the transaction: at the same time as
   * other processing, never during a commit (it waits for one to finish;
   * a commit that is waiting goes first).
   */
  async shared<T>(work: () => Promise<T>): Promise<T> {
    while (this.exclusivePending > 0) await this.exclusiveTail;
    this.sharers++;
    try {
      return await work();
    } finally {
      this.sharers--;
      if (this.sharers === 0) for (const wake of this.waiting.splice(0)) wake();
    }
  }

  /** Runs `work` (a commit or a rollback) alone: after running processing ends, before waiting processing starts. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.exclusivePending++;
    const previous = this.exclusiveTail;
    const run = (async () => {
      await previous;
      while (this.sharers > 0) await new Promise<void>((wake) => this.waiting.push(wake));
      return work();
    })();
    const done = run.then(
      () => undefined,
      () => undefined,
    );
    this.exclusiveTail = done.then(() => {
      this.exclusivePending--;
    });
    return run;
  }

  /** Why the open transaction must not commit (undefined: it may). */
  get poisoned(): string | undefined {
    return this.poisonedBy;
  }

  /** Sends within the thread's open transaction (one begins when none is open). */
  async send(records: OutgoingRecord[]): Promise<ProducedBatch[]> {
    this.sentSinceCommit = true;
    return (await this.currentProducer()).send(records);
  }

  /** A participant failed after sending into the open transaction: it must be aborted, not committed. */
  poison(reason: string): void {
    this.poisonedBy ??= reason;
  }

  /**
   * With every participant held: commits the work of all of them in one
   * transaction — or, when the transaction is poisoned or the commit fails,
   * aborts it and rolls every participant back (the one that failed with its
   * own error, the others as collateral).
   */
  async commitOrRollBack(participants: TransactionParticipant[]): Promise<void> {
    if (this.poisonedBy !== undefined) {
      await this.rollBack(participants, new EddyError(`rolled back with the thread's transaction: ${this.poisonedBy}`), undefined);
      return;
    }
    const working = participants.filter((participant) => participant.hasUncommittedWork());
    if (working.length === 0 && !this.sentSinceCommit) return;
    const offsets: TopicPartitionOffset[] = [];
    for (const participant of working) {
      try {
        offsets.push(...(await participant.prepareCommit()));
      } catch (error) {
        const reason = error instanceof EddyError ? error : new EddyError(`${participant.name} failed: ${messageOf(error)}`, {}, { cause: error });
        await this.rollBack(participants, new EddyError(`rolled back with the thread's transaction: ${participant.name} failed: ${reason.message}`), { participant, reason });
        return;
      }
    }
    try {
      const group = this.group();
      // Offsets without a generation would be accepted from anyone: a member
      // that is not (or no longer) in the group — its consumer was replaced
      // and has not joined yet — must not commit, its partitions may have moved.
      if (offsets.length > 0 && (group.generationId === undefined || group.generationId < 0 || !group.memberId)) {
        throw new EddyError('this thread is not a member of the consumer group right now (no generation to commit with)');
      }
      const producer = await this.currentProducer();
      await producer.sendOffsets(group, offsets);
      await producer.commit();
    } catch (error) {
      await this.rollBack(participants, new EddyError(`the thread's transaction did not commit (every task of the thread rolls back and reopens): ${messageOf(error)}`, {}, { cause: error }), undefined);
      return;
    }
    this.sentSinceCommit = false;
    for (const participant of working) {
      try {
        participant.committed();
      } catch (error) {
        // Kafka has the work; the local state is behind the changelog, which
        // a restore catches up when the participant reopens.
        participant.rollBack(new EddyError(`${participant.name}: local state not committed after the transaction: ${messageOf(error)}`, {}, { cause: error }), 'own');
      }
    }
  }

  /** Aborts the open transaction (at close). */
  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (!producer) return;
    try {
      const opened = await producer;
      await opened.abort();
      await opened.disconnect();
    } catch {
      // Closing: an unreachable broker aborts the transaction after its timeout.
    }
  }

  private async rollBack(participants: TransactionParticipant[], collateral: EddyError, failed: { participant: TransactionParticipant; reason: EddyError } | undefined): Promise<void> {
    this.log('warn', `transaction ${this.transactionalId}: aborting; ${collateral.message}`);
    await this.abortOrReplace();
    this.poisonedBy = undefined;
    this.sentSinceCommit = false;
    for (const participant of participants) {
      try {
        if (participant === failed?.participant) participant.rollBack(failed.reason, 'own');
        else participant.rollBack(collateral, 'collateral');
      } catch (error) {
        this.log('error', `${participant.name}: rolling back failed: ${messageOf(error)}`);
      }
    }
  }

  /**
   * Ends the open transaction by replacing the producer: the new one's
   * registration bumps the epoch of the transactional id, which aborts the
   * open transaction on the broker and fences the old producer — whatever
   * state a failed send, commit or abort left the old one in.
   */
  private async abortOrReplace(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (!producer) return;
    void producer.then((opened) => opened.disconnect()).catch(() => undefined);
    try {
      await this.currentProducer();
    } catch (error) {
      // Opened again at the next use; until then the broker aborts the
      // transaction after its timeout.
      this.log('warn', `transaction ${this.transactionalId}: could not open a new producer yet: ${messageOf(error)}`);
    }
  }

  private currentProducer(): Promise<TransactionalProducer> {
    if (!this.producer) {
      const opening = this.connection.transactionalProducer(this.transactionalId, { transactionTimeoutMs: this.transactionTimeoutMs });
      this.producer = opening;
      // A producer that failed to open is opened again at the next use.
      opening.catch(() => {
        if (this.producer === opening) this.producer = undefined;
      });
    }
    return this.producer;
  }
}
