// A task's identity: (sub-topology, partition), written `<subtopology>_<partition>`
// as Kafka Streams' TaskId.
//
// Owns: the value type, its text form (state directories, transactional ids,
// assignment user data, status) and its order (by sub-topology, then
// partition). Must never: be confused with a bare partition number — every
// place that keys on a task keys on this.

export class TaskId {
  private constructor(
    readonly subtopology: number,
    readonly partition: number,
  ) {}

  private static readonly interned = new Map<string, TaskId>();

  /** The TaskId of `partition` in `subtopology` (one shared object per value, so `===` compares). */
  static of(subtopology: number, partition: number): TaskId {
    if (!Number.isInteger(subtopology) || subtopology < 0 || !Number.isInteger(partition) || partition < 0) {
      throw new RangeError(`a task id needs a sub-topology and a partition ≥ 0, got ${subtopology}_${partition}`);
    }
    const text = `${subtopology}_${partition}`;
    let id = TaskId.interned.get(text);
    if (!id) {
      id = new TaskId(subtopology, partition);
      TaskId.interned.set(text, id);
    }
    return id;
  }

  /** Parses `<subtopology>_<partition>`; undefined when `text` is not one. */
  static parse(text: string): TaskId | undefined {
    const match = /^(\d{1,9})_(\d{1,9})$/.exec(text);
    return match ? TaskId.of(Number(match[1]), Number(match[2])) : undefined;
  }

  static compare(a: TaskId, b: TaskId): number {
    return a.subtopology - b.subtopology || a.partition - b.partition;
  }

  toString(): string {
    return `${this.subtopology}_${this.partition}`;
  }

  toJSON(): string {
    return this.toString();
  }
}
