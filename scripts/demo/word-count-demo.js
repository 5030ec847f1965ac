// The in-process word-count demo: turns scripts/demo/text.txt into dry-run
// input lines, runs them through the Rust word-count plugin with
// `eddy dry-run`, and prints the top words from the output.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const text = readFileSync(`${root}scripts/demo/text.txt`, 'utf8');
const input = text.split('\n').map((line, index) => JSON.stringify({ key: null, value: line, timestamp: 1_700_000_000_000 + index })).join('\n') + '\n';
const run = spawnSync(process.execPath, [`${root}runtime/bin/eddy.js`, 'dry-run', `${root}plugins/wordcount-rust`], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
if (run.status !== 0) {
  process.stderr.write(run.stderr);
  process.exit(run.status ?? 1);
}
const latest = new Map();
for (const line of run.stdout.trim().split('\n')) {
  const record = JSON.parse(line);
  latest.set(record.key, Number(record.value));
}
const top = [...latest].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10);
console.log(`word count of scripts/demo/text.txt (${input.split('\n').length - 1} lines, ${run.stdout.trim().split('\n').length} updates, ${latest.size} distinct words) — top 10:`);
for (const [word, count] of top) console.log(`  ${String(count).padStart(4)}  ${word}`);
