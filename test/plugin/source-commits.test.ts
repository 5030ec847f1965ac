// The host side of `eddy:plugin/source-commits`: news is handed over once,
// in order, and a task that never takes it keeps at most 65 536 records,
// the older ones counted as discarded rather than dropped unsaid.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maxKeptCommittedRecords, sourceCommitsImports, type CommittedRecord } from '../../runtime/plugin/host/source-commits.ts';

const record = (sequence: number): CommittedRecord => ({ sequence: BigInt(sequence), sourcePartition: [['file', 'a']], sourceOffset: [['position', String(sequence)]] });

test('source-commits hands each committed record and offset commit over once, in order', () => {
  const commits = sourceCommitsImports();
  assert.deepEqual(commits.imports.takeCommits(), { records: [], discarded: 0n, offsetCommits: 0 });
  commits.recordsCommitted([record(0), record(1)]);
  commits.offsetsCommitted();
  commits.recordsCommitted([{ ...record(2), metadata: { topic: 't', partition: 1, offset: 7n, timestamp: 5n } }]);
  commits.offsetsCommitted();
  const news = commits.imports.takeCommits();
  assert.deepEqual(news.records.map((entry) => entry.sequence), [0n, 1n, 2n]);
  assert.deepEqual(news.records[2]!.metadata, { topic: 't', partition: 1, offset: 7n, timestamp: 5n });
  assert.equal(news.offsetCommits, 2);
  assert.equal(news.discarded, 0n);
  assert.deepEqual(commits.imports.takeCommits(), { records: [], discarded: 0n, offsetCommits: 0 });
});

test('a task that does not take its news keeps the latest 65 536 records and learns how many were discarded', () => {
  const commits = sourceCommitsImports();
  const total = maxKeptCommittedRecords + 10;
  for (let start = 0; start < total; start += 1000) commits.recordsCommitted(Array.from({ length: Math.min(1000, total - start) }, (_, index) => record(start + index)));
  const news = commits.imports.takeCommits();
  assert.equal(news.records.length, maxKeptCommittedRecords);
  assert.equal(news.discarded, 10n);
  assert.equal(news.records[0]!.sequence, 10n);
  assert.equal(news.records.at(-1)!.sequence, BigInt(total - 1));
});
