// The systems the Kafka benchmarks run, each started as its own process on
// one broker: Eddy applications (pass-through or the two-stage word count,
// Rust or TS plugins), Kafka Streams 4.4's WordCount (bench/kafka-streams,
// built with Maven), and a raw kafkajs consume → produce pipe.
// Owns: writing their configuration, starting them, knowing when they run,
// stopping them.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** Builds bench/kafka-streams with Maven unless it is built. */
export function buildKafkaStreams(log: (line: string) => void): void {
  const built = join(repositoryRoot, 'bench/kafka-streams/target/kafka-streams-wordcount-1.jar');
  if (existsSync(built) && existsSync(join(repositoryRoot, 'bench/kafka-streams/target/lib'))) return;
  log('building the Kafka Streams WordCount with Maven…');
  const result = spawnSync('mvn', ['-q', '-B', '-f', join(repositoryRoot, 'bench/kafka-streams/pom.xml'), 'package', 'dependency:copy-dependencies', '-DoutputDirectory=target/lib', '-DincludeScope=runtime'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building the Kafka Streams benchmark failed');
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
        const child = spawn(process.execPath, ['--max-semi-space-size=64', join(repositoryRoot, 'runtime/bin/eddy.js'), 'run', file], { stdio: ['ignore', 'pipe', 'pipe'] });
        await waitForText(child, /assigned active \[[0-9_, ]*\]/, name);
        return child;
      },
    };
  }

  function kafkaStreamsSystem(guarantee: Guarantee): BenchSystem {
    return {
      name: `Kafka Streams 4.4 WordCount (Java)`,
      guarantee,
      kind: 'wordcount',
      start: async (input, output, id, instance = 0) => {
        const directory = join(repositoryRoot, 'bench/kafka-streams/target');
        const child = spawn(
          'java',
          ['-Xmx1g', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', `${directory}/kafka-streams-wordcount-1.jar:${directory}/lib/*`, 'dev.eddy.bench.WordCount', bootstrap, id, input, output, guarantee, '0', stateDir(id, instance)],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        await waitForText(child, /-> RUNNING/, 'Kafka Streams');
        return child;
      },
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
