// Shared helpers for benchmarks: timing, formatting, the benchmark text.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ProcessorContext } from '../runtime/processor/processor.ts';
import { builtComponentOf } from '../runtime/topology/pipeline-file.ts';

export const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

export function plugin(folder: string): string {
  return builtComponentOf(`${repositoryRoot}plugins/${folder}`);
}

/** Runs `work` (which processes `count` items) `rounds` times after a warm-up; returns the best items/s. */
export function bestRate(count: number, work: () => void, rounds = 5): { perSecond: number; nsPerItem: number } {
  work();
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    work();
    best = Math.min(best, Number(process.hrtime.bigint() - started));
  }
  return { perSecond: (count / best) * 1e9, nsPerItem: best / count };
}

export function formatRate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((cell, index) => Math.max(cell.length, ...rows.map((row) => row[index]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, index) => cell.padEnd(widths[index]!)).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

/** The benchmark text: the demo text's lines, repeated to `lines` lines. */
export function benchmarkLines(lines: number): string[] {
  const source = readFileSync(`${repositoryRoot}scripts/demo/text.txt`, 'utf8').split('\n');
  return Array.from({ length: lines }, (_, index) => source[index % source.length]!);
}

/** A processor context for benchmarks: no stores, no timers, no cache; `forward` and `log` call the given counters. */
export function benchContext(nodeName: string, on: { forward?: () => void; log?: () => void } = {}): ProcessorContext {
  return {
    applicationId: 'bench',
    taskId: '0_0',
    nodeName,
    forward: on.forward ?? (() => {}),
    forwardTo: () => {},
    metadata: () => undefined,
    schedule: () => 0,
    cancel: () => {},
    streamTime: () => 0,
    wallClockTime: () => Date.now(),
    requestCommit: () => {},
    openStore: () => 'no stores',
    openWindowStore: () => 'no stores',
    openSessionStore: () => 'no stores',
    log: on.log ?? (() => {}),
    recordDropped: () => {},
    cache: { maxBytes: 0, usedBytes: 0 },
  };
}
