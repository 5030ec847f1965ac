// Runs every in-process benchmark and prints their tables (npm run bench).
// The Kafka benchmarks (bench/kafka/…) need a broker and run separately.

import { hostCallBenchmark } from './host-call.ts';
import { wordCountBenchmark, wordCountHeader } from './wordcount.ts';
import { printTable } from './support.ts';
import { cpus } from 'node:os';

console.log(`Eddy benchmarks — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
printTable('Host-call overhead: pass-through plugin (Rust), one record per call', ['variant', 'records/s', 'ns/record', 'ns over plain JS'], await hostCallBenchmark());
printTable('Word count on the same text (demo text, repeated)', wordCountHeader, await wordCountBenchmark());
