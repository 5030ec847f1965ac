// Host side of `eddy:plugin/source-commits` (contract 0.2.0): what became of
// a source task's records and offsets (Kafka's SourceTask.commitRecord and
// commit), kept until the guest takes it.
//
// Owns: the queue of committed records (at most 65 536; older ones are
// discarded and counted, so a task that never takes its news costs bounded
// memory and learns what it missed), the count of offset commits, and
// handing both over, once each, on `take-commits`.
// Must never: decide when a record or an offset is committed (the source
// task's driver does), or call into the guest.

import type * as SourceCommits from './wit/0.2.0/interfaces/eddy-plugin-source-commits.js';

export type CommittedRecord = SourceCommits.CommittedRecord;

/** How many committed records are kept for a task that has not taken them. */
export const maxKeptCommittedRecords = 65_536;

export interface SourceCommitsCapability {
  imports: typeof SourceCommits;
  /** Records committed, in the order the polls returned them. */
  recordsCommitted(records: readonly CommittedRecord[]): void;
  /** The task's offsets were committed once more. */
  offsetsCommitted(): void;
}

export function sourceCommitsImports(): SourceCommitsCapability {
  let records: CommittedRecord[] = [];
  let discarded = 0n;
  let offsetCommits = 0;
  return {
    imports: {
      takeCommits() {
        const news = { records, discarded, offsetCommits };
        records = [];
        discarded = 0n;
        offsetCommits = 0;
        return news;
      },
    },
    recordsCommitted(committed) {
      for (const record of committed) records.push(record);
      const excess = records.length - maxKeptCommittedRecords;
      if (excess > 0) {
        records.splice(0, excess);
        discarded += BigInt(excess);
      }
    },
    offsetsCommitted() {
      offsetCommits++;
    },
  };
}
