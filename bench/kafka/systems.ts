// The systems the Kafka benchmarks run, each started as its own process on
// one broker: Eddy applications (pass-through or the two-stage word count,
// Rust or TS plugins; the DSL word count and tumbling-window word count with
// the Rust functions of plugins/dsl-functions-rust), Kafka Streams 4.4's
// WordCount and WindowedCount (bench/kafka-streams, built with Maven), and a
// raw kafkajs consume → produce pipe.
// Owns: writing their configuration, starting them, knowing when they run,
// stopping them. Must never: measure or produce data.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { plugin, repositoryRoot } from '../support.ts';

export type Guarantee = 'at_least_once' | 'exactly_once_v2';

export interface BenchSystem {
  name: string;
  guarantee: Guarantee | '-';
  kind: 'pipe' | 'wordcount';
  /** Starts one instance; `instance` tells instances of one application apart (their state folders). */
  start(input: string, output: string, id: string, instance?: number): Promise<ChildProcess>;
}

export function waitForText(child: ChildProcess, pattern: RegExp, what: string, timeoutMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what}: not ready after ${timeoutMs} ms:\n${seen.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${seen.slice(-2000)}`));
    });
  });
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

const kafkaStreamsProject = join(repositoryRoot, 'bench/kafka-streams');
const kafkaStreamsTarget = join(kafkaStreamsProject, 'target');

/** Builds bench/kafka-streams with Maven unless it is built from its current sources. */
export function buildKafkaStreams(log: (line: string) => void): void {
  const built = join(kafkaStreamsTarget, 'kafka-streams-wordcount-1.jar');
  const sources = join(kafkaStreamsProject, 'src/main/java/dev/eddy/bench');
  const newestSource = Math.max(statSync(join(kafkaStreamsProject, 'pom.xml')).mtimeMs, ...readdirSync(sources).map((name) => statSync(join(sources, name)).mtimeMs));
  if (existsSync(built) && existsSync(join(kafkaStreamsTarget, 'lib')) && statSync(built).mtimeMs >= newestSource) return;
  log('building the Kafka Streams benchmark programs with Maven…');
  const result = spawnSync('mvn', ['-q', '-B', '-f', join(kafkaStreamsProject, 'pom.xml'), 'package', 'dependency:copy-dependencies', '-DoutputDirectory=target/lib', '-DincludeScope=runtime'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building the Kafka Streams benchmark failed');
}

/** Runs `eddy run <file>`; resolves once it has its tasks. `onText` sees all its output from the start. */
export async function startEddy(file: string, what: string, onText?: (text: string) => void): Promise<ChildProcess> {
  // EDDY_BENCH_NODE_ARGS: extra Node flags for Eddy (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a run).
  const extra = (process.env.EDDY_BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg.length > 0);
  const child = spawn(process.execPath, ['--max-semi-space-size=64', ...extra, join(repositoryRoot, 'runtime/bin/eddy.js'), 'run', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  listen(child, onText);
  // EDDY_BENCH_LOG_DIR: each instance's output, every chunk stamped with the time, in <dir>/<app file>.log.
  const logDirectory = process.env.EDDY_BENCH_LOG_DIR;
  if (logDirectory) listen(child, (text) => appendFileSync(join(logDirectory, `${basename(file)}.log`), text.replace(/^(?=.)/gm, `${new Date().toISOString()} `)));
  return readyOrStopped(child, waitForText(child, /assigned active \[[0-9_, ]*\]/, what));
}

/** Runs a main class of bench/kafka-streams; resolves once Kafka Streams is RUNNING. `onText` sees all its output from the start. */
export async function startKafkaStreams(mainClass: string, args: string[], what: string, onText?: (text: string) => void): Promise<ChildProcess> {
  const child = spawn(
    'java',
    ['-Xmx1g', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', `${kafkaStreamsTarget}/kafka-streams-wordcount-1.jar:${kafkaStreamsTarget}/lib/*`, `dev.eddy.bench.${mainClass}`, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  listen(child, onText);
  return readyOrStopped(child, waitForText(child, /-> RUNNING/, what));
}

/** The child once `ready` resolves; stopped (not left running) if it fails. */
async function readyOrStopped(child: ChildProcess, ready: Promise<void>): Promise<ChildProcess> {
  try {
    await ready;
    return child;
  } catch (error) {
    await stop(child);
    throw error;
  }
}

function listen(child: ChildProcess, onText: ((text: string) => void) | undefined): void {
  if (!onText) return;
  child.stdout?.on('data', (chunk: Buffer) => onText(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => onText(chunk.toString()));
}

export function benchSystems({ bootstrap, scratch }: { bootstrap: string; scratch: string }) {
  const stateDir = (id: string, instance: number) => join(scratch, instance === 0 ? id : `${id}-${instance}`);

  function eddySystem(name: string, guarantee: Guarantee, kind: 'pipe' | 'wordcount', language: 'rust' | 'ts', threads = 1, extra = ''): BenchSystem {
    return {
      name,
      guarantee,
      kind,
      start: async (input, output, id, instance = 0) => {
        const processors =
          kind === 'pipe'
            ? `    - { name: pass, plugin: ${plugin('passthrough-rust')}, parents: [lines] }`
            : `    - { name: split, plugin: ${plugin(`split-words-${language}`)}, parents: [lines] }
    - { name: count, plugin: ${plugin(`count-by-key-${language}`)}, parents: [words], stores: [counts] }`;
        const yaml = `
application.id: ${id}
bootstrap.servers: ${bootstrap}
processing.guarantee: ${guarantee}
num.stream.threads: ${threads}
state.dir: ${stateDir(id, instance)}
admin.listener: 127.0.0.1:0
${extra}
topology:
  sources:
    - { name: lines, topics: [${input}] }
${kind === 'wordcount' ? `    - { name: words, topics: [${id}-words-repartition] }` : ''}
  processors:
${processors}
  sinks:
${kind === 'wordcount' ? `    - { name: to-words, topic: ${id}-words-repartition, parents: [split] }\n    - { name: out, topic: ${output}, parents: [count] }` : `    - { name: out, topic: ${output}, parents: [pass] }`}
`;
        const file = join(scratch, `${id}-${instance}.yaml`);
        writeFileSync(file, yaml);
        return startEddy(file, name);
      },
    };
  }

  function kafkaStreamsSystem(guarantee: Guarantee): BenchSystem {
    return {
      name: `Kafka Streams 4.4 WordCount (Java)`,
      guarantee,
      kind: 'wordcount',
      start: (input, output, id, instance = 0) => startKafkaStreams('WordCount', [bootstrap, id, input, output, guarantee, '0', stateDir(id, instance)], 'Kafka Streams'),
    };
  }

  const rawPipe: BenchSystem = {
    name: 'raw kafkajs consume → produce (no processing)',
    guarantee: '-',
    kind: 'pipe',
    start: async (input, output, id) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(repositoryRoot, 'bench/kafka/raw-pipe.ts'), bootstrap, id, input, output], { stdio: ['ignore', 'pipe', 'pipe'] });
      await waitForText(child, /raw-pipe running/, 'raw pipe');
      return child;
    },
  };

  return { eddySystem, kafkaStreamsSystem, rawPipe, stop };
}

// ---- the DSL benchmark's applications ------------------------------------------------

/** The word count, or the word count per tumbling window of `sizeMs` with `graceMs` of grace. */
export type DslTopology = { kind: 'wordcount' } | { kind: 'windowed'; sizeMs: number; graceMs: number };

export interface DslSystem {
  engine: 'eddy' | 'kafka-streams';
  name: string;
  cacheBytes: number;
  /** Starts the application on `input` → `output`; resolves once it processes. `onText` sees all its output from the start. */
  start(input: string, output: string, id: string, onText?: (text: string) => void): Promise<ChildProcess>;
}

/**
 * The DSL topologies, each in Eddy (a `dsl:` document with the Rust
 * functions of plugins/dsl-functions-rust) and in Kafka Streams 4.4
 * (bench/kafka-streams: WordCount, WindowedCount): lines →
 * flatMapValues(words) → groupBy(word, repartition "words") →
 * [windowedBy(size, grace) →] count(store "counts") → toStream →
 * [mapValues(Long → decimal) →] to. The windowed count writes Kafka Streams'
 * time-windowed key (word ‖ 8-byte window start) and a Long value.
 */
export function dslSystems({ bootstrap, scratch, guarantee }: { bootstrap: string; scratch: string; guarantee: Guarantee }) {
  const functions = join(repositoryRoot, 'plugins/dsl-functions-rust');
  const label = (topology: DslTopology) => (topology.kind === 'wordcount' ? 'word count' : 'windowed count');

  function eddy(topology: DslTopology, cacheBytes: number): DslSystem {
    const name = `Eddy DSL ${label(topology)} (Rust functions)`;
    return {
      engine: 'eddy',
      name,
      cacheBytes,
      start: (input, output, id, onText) => {
        const steps =
          topology.kind === 'wordcount'
            ? ['flatMapValues: f.unicode-words', 'groupBy: { selector: f.value-as-key, name: words }', 'count: { name: counts }', 'toStream', 'mapValues: f.long-to-decimal', `to: ${output}`]
            : [
                'flatMapValues: f.unicode-words',
                'groupBy: { selector: f.value-as-key, name: words }',
                `windowedBy: { size: ${topology.sizeMs}, grace: ${topology.graceMs} }`,
                'count: { name: counts }',
                'toStream',
                `to: ${output}`,
              ];
        const file = join(scratch, `${id}.yaml`);
        writeFileSync(
          file,
          `application.id: ${id}
bootstrap.servers: ${bootstrap}
processing.guarantee: ${guarantee}
statestore.cache.max.bytes: ${cacheBytes}
state.dir: ${join(scratch, id)}
topology:
  dsl:
    functions:
      f: { plugin: ${functions} }
    streams:
      - stream: ${input}
        steps:
${steps.map((step) => `          - ${step}`).join('\n')}
`,
        );
        return startEddy(file, name, onText);
      },
    };
  }

  function kafkaStreams(topology: DslTopology, cacheBytes: number): DslSystem {
    const name = `Kafka Streams 4.4 ${topology.kind === 'wordcount' ? 'WordCount' : 'WindowedCount'} (Java, DSL)`;
    return {
      engine: 'kafka-streams',
      name,
      cacheBytes,
      start: (input, output, id, onText) => {
        const args = [bootstrap, id, input, output, guarantee, String(cacheBytes), join(scratch, id)];
        return topology.kind === 'wordcount'
          ? startKafkaStreams('WordCount', args, name, onText)
          : startKafkaStreams('WindowedCount', [...args, String(topology.sizeMs), String(topology.graceMs)], name, onText);
      },
    };
  }

  return { eddy, kafkaStreams };
}
