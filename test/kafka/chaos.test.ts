// The short version of scripts/chaos/word-count-chaos.ts: three instances of
// the two-stage word count under exactly_once_v2 on a broker of their own,
// input produced the whole time, instances killed with SIGKILL (one with its
// state.dir deleted) and the broker bounced (killed, down, restarted) while
// they run. Apache Kafka's Java consumer (read_committed) then reads the
// committed output: every word's updates must be exactly 1..n, and no task
// may be left failed. Under at_least_once, every word must reach its count.
// The long runs (10+ seeds, 10 kills, 2 bounces) are
// reported in docs/running-applications.md.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runChaos } from '../../scripts/chaos/word-count-chaos.ts';

for (const guarantee of ['exactly_once_v2', 'at_least_once'] as const) {
  test(`chaos (${guarantee}): kills, a state wipe and a broker bounce mid-stream, then ${guarantee === 'exactly_once_v2' ? 'exact counts (1..n per word)' : 'no lost update'}, read by Java's read_committed consumer`, { timeout: 600_000 }, async () => {
    const lines: string[] = [];
    const report = await runChaos({
      seed: guarantee === 'exactly_once_v2' ? 42 : 43,
      instances: 3,
      kills: guarantee === 'exactly_once_v2' ? 4 : 2,
      wipes: 1,
      bounces: 1,
      bounceDownMs: 8000,
      durationS: guarantee === 'exactly_once_v2' ? 30 : 20,
      partitions: 4,
      guarantee,
      linesPerSecond: 60,
      settleTimeoutS: 240,
      log: (line) => lines.push(line),
    });
    assert.deepEqual(report.problems, [], `chaos run:\n${lines.join('\n')}\nwhat the instances said:\n${report.evidence.join('\n')}`);
    assert.ok(report.exact);
    assert.ok(report.inputLines > 0 && report.outputRecords > 0, 'input was produced and counted');
    assert.equal(report.kills, guarantee === 'exactly_once_v2' ? 4 : 2);
  });
}
