// Chaos for the two-stage word count (split → repartition → count): several
// `eddy run` instances under a processing guarantee, input produced the whole
// time, instances killed with SIGKILL (some with their state.dir deleted
// before the restart), the broker bounced (killed and kept down for a while),
// all on a seeded schedule. Then it waits for the application to settle and
// checks the committed output with Apache Kafka's own Java consumer
// (read_committed), against the input as it actually landed in Kafka:
//   exactly_once_v2: every word's committed updates are exactly 1, 2, …, n;
//   at_least_once:   every word reaches at least its count (nothing lost).
// It also checks that no task is left failed and that no instance exited by
// itself.
//
//   npx tsx scripts/chaos/word-count-chaos.ts --seed 7 [--instances 3] [--kills 10] [--wipes 3]
//     [--bounces 2] [--bounce-down-ms 20000] [--duration-s 60] [--partitions 6]
//     [--guarantee exactly_once_v2|at_least_once] [--standbys 0] [--threads 1] [--lines-per-second 80] [--json]
// Prints a report; with --json, one JSON line. Exit 0 when the run is exact.
// It starts its own broker (in .kafka/chaos-<seed>), since it bounces it.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { referenceWords } from '../../bench/wordcount-reference.ts';
import { createKafka, ensureTopics, produceRecords } from '../../runtime/kafka/kafka-client.ts';
import { brokerLibraries, restartLocalBroker, startLocalBroker } from '../kafka/local-broker.ts';
import { random } from '../../test/support/dsl-inputs.ts';
import { wordCountApp } from '../../test/support/wordcount-app.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const repositoryRoot = resolve(here, '../..');

export interface ChaosOptions {
  seed: number;
  instances: number;
  kills: number;
  wipes: number;
  bounces: number;
  bounceDownMs: number;
  durationS: number;
  partitions: number;
  guarantee: 'exactly_once_v2' | 'at_least_once';
  /** num.standby.replicas and num.stream.threads of every instance (default 0 and 1). */
  standbys?: number;
  threads?: number;
  linesPerSecond: number;
  settleTimeoutS: number;
  log: (line: string) => void;
}

export interface ChaosReport {
  seed: number;
  guarantee: string;
  instances: number;
  standbys: number;
  threads: number;
  kills: number;
  wipes: number;
  bounces: number;
  bounceDownMs: number;
  inputLines: number;
  words: number;
  outputRecords: number;
  settleSeconds: number | null;
  exact: boolean;
  problems: string[];
  /** Lines of the instances' logs that may explain a run that is not exact. */
  evidence: string[];
  seconds: number;
}

/** A small seeded generator (mulberry32): the same seed, the same schedule. */
const vocabulary = ['the', 'kafka', 'stream', 'eddy', 'wasm', 'plugin', 'state', 'table', 'topic', 'record', 'count', 'word', 'café', 'straße', 'ΟΔΥΣΣΕΥΣ', '東京', 'alpha', 'beta'];

function line(next: () => number): string {
  const words = 2 + Math.floor(next() * 8);
  return Array.from({ length: words }, () => vocabulary[Math.floor(next() * vocabulary.length)]).join(next() < 0.3 ? ', ' : ' ');
}

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

class Instance {
  child: ChildProcess | undefined;
  admin: string | undefined;
  output = '';
  /** Exits the chaos did not cause (an instance must ride through kills of others and broker bounces). */
  readonly unexpectedExits: string[] = [];
  private stopping = false;
  constructor(readonly name: string, readonly appFile: string, readonly stateDir: string, private readonly bootstrap: string, private readonly log: (line: string) => void) {}

  private restartTimer: NodeJS.Timeout | undefined;

  /** Starts the instance after `ms`. */
  startLater(ms: number): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => this.start(), ms);
  }

  /** Starts the instance now unless it runs (a pending delayed start is dropped). */
  start(): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    if (this.running) return;
    this.admin = undefined;
    const child = spawn(process.execPath, [join(repositoryRoot, 'runtime/bin/eddy.js'), 'run', this.appFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KAFKA_BROKERS: this.bootstrap },
    });
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      this.output += text;
      if (this.output.length > 2_000_000) this.output = this.output.slice(-1_000_000);
      const admin = /\{"admin":"([^"]+)"/.exec(text);
      if (admin) this.admin = admin[1];
      if (process.env.EDDY_CHAOS_VERBOSE) for (const entry of text.split('\n').filter(Boolean)) this.log(`[${this.name}] ${entry}`);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    this.stopping = false;
    child.once('exit', (code, signal) => {
      if (this.stopping || this.child !== child) return;
      const last = this.output.trim().split('\n').slice(-2).join(' | ').slice(0, 300);
      this.unexpectedExits.push(`${this.name} exited by itself (${signal ?? `code ${code}`}): ${last}`);
      this.log(`  ${this.name} exited by itself (${signal ?? `code ${code}`})`);
    });
    this.child = child;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
    this.stopping = true;
    child.kill(signal);
    // A graceful stop gets 30 s, then it is killed.
    const force = signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(force);
  }

  async status(): Promise<{ threads: Array<{ activeTasks: Array<{ taskId: string; state: string; failure?: string; retries?: number }> }> } | undefined> {
    if (!this.admin || !this.running) return undefined;
    try {
      const response = await fetch(`${this.admin}/status`, { signal: AbortSignal.timeout(5000) });
      return (await response.json()) as Awaited<ReturnType<Instance['status']>>;
    } catch {
      return undefined;
    }
  }
}

export interface JavaRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
}

/** Reads a topic read_committed with Apache Kafka's Java consumer (scripts/chaos/ReadCommitted.java). */
export function readCommittedWithJava(bootstrap: string, topic: string): JavaRecord[] {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const result = spawnSync(java, ['-Xmx256m', '-cp', `${brokerLibraries()}/*`, join(here, 'ReadCommitted.java'), bootstrap, topic], {
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`the Java reader failed on ${topic} (exit ${result.status}): ${result.stderr.slice(-2000)}`);
  const decode = (text: string) => (text === '-' ? null : Buffer.from(text, 'base64').toString('utf8'));
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((row) => {
      const [partition, offset, , key, value] = row.split(' ');
      return { partition: Number(partition), offset: Number(offset), key: decode(key!), value: decode(value!) };
    });
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const log = options.log;
  const next = random(options.seed);
  const brokerDirectory = join(repositoryRoot, '.kafka', `chaos-${options.seed}-${process.pid}`);
  const broker = await startLocalBroker({ directory: brokerDirectory, heapMb: 512 });
  const bootstrap = broker.bootstrap;
  const work = mkdtempSync(join(tmpdir(), `eddy-chaos-${options.seed}-`));
  const applicationId = `chaos-${options.seed}-${Date.now().toString(36)}`;
  const input = `${applicationId}-lines`;
  const output = `${applicationId}-counts`;
  const instances: Instance[] = [];
  const problems: string[] = [];
  let settleSeconds: number | null = null;
  let inputLines = 0;
  let words = 0;
  let outputRecords = 0;
  try {
    const admin = createKafka(bootstrap, 'chaos-admin').admin();
    await admin.connect();
    await ensureTopics(admin, [
      { topic: input, partitions: options.partitions },
      { topic: output, partitions: options.partitions },
    ]);
    await admin.disconnect();
    for (let index = 0; index < options.instances; index++) {
      const stateDir = join(work, `state-${index}`);
      const appFile = join(work, `instance-${index}.yaml`);
      mkdirSync(stateDir, { recursive: true });
      writeFileSync(appFile, wordCountApp({ applicationId, input, output, guarantee: options.guarantee, stateDir, standbys: options.standbys ?? 0, threads: options.threads ?? 1 }));
      const instance = new Instance(`instance-${index}`, appFile, stateDir, bootstrap, log);
      instance.start();
      instances.push(instance);
    }
    log(`chaos seed ${options.seed}: ${options.instances} instances of ${applicationId} (${options.guarantee}) on ${bootstrap}`);

    // The schedule: kills spread over the run, some with a state wipe; broker
    // bounces between them.
    const durationMs = options.durationS * 1000;
    type Event = { at: number; kind: 'kill'; wipe: boolean } | { at: number; kind: 'bounce' };
    const events: Event[] = [];
    const wipeSlots = new Set<number>();
    while (wipeSlots.size < Math.min(options.wipes, options.kills)) wipeSlots.add(Math.floor(next() * options.kills));
    for (let index = 0; index < options.kills; index++) {
      const slot = durationMs / (options.kills + 1);
      events.push({ at: Math.round(slot * (index + 1) + (next() - 0.5) * slot * 0.5), kind: 'kill', wipe: wipeSlots.has(index) });
    }
    for (let index = 0; index < options.bounces; index++) {
      events.push({ at: Math.round((durationMs * (index + 1)) / (options.bounces + 1) + (next() - 0.5) * 2000), kind: 'bounce' });
    }
    events.sort((a, b) => a.at - b.at);

    // Input, produced the whole time in small batches (a batch that fails
    // during a bounce is sent again: the truth is what the topic holds).
    // A send given up on is not cancelled — the client may still deliver it
    // after the broker is back — so every send is kept until it settles,
    // and the truth is read only once none is left in flight.
    let producing = true;
    let lineNumber = 0;
    const sends = new Set<Promise<void>>();
    let abandoned = 0;
    const producer = (async () => {
      const batchEveryMs = 250;
      const perBatch = Math.max(1, Math.round((options.linesPerSecond * batchEveryMs) / 1000));
      while (producing) {
        const batch = Array.from({ length: perBatch }, () => ({ key: String(lineNumber++), value: line(next) }));
        for (;;) {
          // A send can hang while the broker is down: stop waiting for it
          // after 20 s and send again (a copy that lands late is still
          // input: the truth is what the topic holds).
          const send = produceRecords(bootstrap, input, batch);
          sends.add(send);
          void send.then(
            () => sends.delete(send),
            () => sends.delete(send),
          );
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<'timeout'>((resolveTimeout) => {
            timer = setTimeout(() => resolveTimeout('timeout'), 20_000);
          });
          try {
            if ((await Promise.race([send, timeout])) !== 'timeout') break;
            abandoned++;
          } catch {
            // failed: send again
          } finally {
            clearTimeout(timer);
          }
          await sleep(500);
        }
        await sleep(batchEveryMs);
      }
    })();

    const chaosStart = Date.now();
    let bounces: Promise<void> = Promise.resolve();
    let kills = 0;
    for (const event of events) {
      const wait = chaosStart + event.at - Date.now();
      if (wait > 0) await sleep(wait);
      if (event.kind === 'bounce') {
        // In the background: kills go on while the broker is down.
        // (one bounce at a time: a bounce due while the broker is still down waits)
        bounces = bounces
          .then(() => log(`  ${((Date.now() - chaosStart) / 1000).toFixed(1)} s: broker killed, down ${options.bounceDownMs} ms`))
          .then(() => restartLocalBroker(brokerDirectory, { downMs: options.bounceDownMs }))
          .then(() => log(`  ${((Date.now() - chaosStart) / 1000).toFixed(1)} s: broker back`));
        continue;
      }
      let victims = instances.filter((instance) => instance.running);
      while (victims.length === 0) {
        await sleep(200);
        victims = instances.filter((instance) => instance.running);
      }
      const victim = victims[Math.floor(next() * victims.length)]!;
      kills++;
      log(`  ${((Date.now() - chaosStart) / 1000).toFixed(1)} s: kill -9 ${victim.name}${event.wipe ? ' and delete its state.dir' : ''}`);
      await victim.kill('SIGKILL');
      if (event.wipe) rmSync(victim.stateDir, { recursive: true, force: true });
      const pause = 500 + Math.floor(next() * 2500);
      victim.startLater(pause);
    }
    const rest = chaosStart + durationMs - Date.now();
    if (rest > 0) await sleep(rest);
    await bounces;
    producing = false;
    await producer;
    // Sends given up on may still land: wait until every one has settled.
    const sendsDeadline = Date.now() + 180_000;
    while (sends.size > 0 && Date.now() < sendsDeadline) await Promise.race([Promise.allSettled([...sends]), sleep(1000)]);
    if (sends.size > 0) log(`  ${sends.size} input send(s) still unsettled after 180 s; the truth is re-read until the input stops changing`);
    if (abandoned > 0) log(`  ${abandoned} input batch(es) timed out and were sent again`);
    await sleep(3500);
    for (const instance of instances) instance.start();
    const chaosEnd = Date.now();
    log(`  chaos over after ${((chaosEnd - chaosStart) / 1000).toFixed(1)} s (${kills} kills); waiting for the application to settle`);

    // The truth: the input as it landed (read_committed, Java), re-read on
    // every round so that a late copy of a batch is counted too.
    // Settled: every word's final count reached (read with Java, read_committed),
    // and the input unchanged since the round before.
    const deadline = Date.now() + options.settleTimeoutS * 1000;
    let records: JavaRecord[] = [];
    let expected = new Map<string, number>();
    for (let previousInputLines = -1; ; ) {
      const lines = readCommittedWithJava(bootstrap, input);
      inputLines = lines.length;
      expected = new Map<string, number>();
      for (const record of lines) for (const word of referenceWords(record.value ?? '')) expected.set(word, (expected.get(word) ?? 0) + 1);
      words = expected.size;
      records = readCommittedWithJava(bootstrap, output);
      const finals = new Map<string, number>();
      for (const record of records) finals.set(record.key!, Math.max(finals.get(record.key!) ?? 0, Number(record.value)));
      const reached = [...expected].every(([word, count]) => (finals.get(word) ?? 0) >= count);
      if (reached && inputLines === previousInputLines) break;
      if (previousInputLines >= 0 && inputLines !== previousInputLines) log(`  input grew from ${previousInputLines} to ${inputLines} lines while settling`);
      previousInputLines = inputLines;
      if (Date.now() > deadline) {
        const missing = [...expected].filter(([word, count]) => (finals.get(word) ?? 0) < count);
        problems.push(`not settled after ${options.settleTimeoutS} s: ${missing.length} word(s) short, e.g. ${missing.slice(0, 3).map(([word, count]) => `${word} ${finals.get(word) ?? 0}/${count}`).join(', ')}`);
        break;
      }
      if (!reached) await sleep(2000);
    }
    if (problems.length === 0) settleSeconds = Math.round((Date.now() - chaosEnd) / 100) / 10;
    outputRecords = records.length;

    // Check the committed updates.
    const sequences = new Map<string, number[]>();
    for (const record of records) {
      const list = sequences.get(record.key!) ?? [];
      list.push(Number(record.value));
      sequences.set(record.key!, list);
    }
    for (const word of sequences.keys()) if (!expected.has(word)) problems.push(`output has '${word}', which is not in the input`);
    for (const [word, count] of expected) {
      const sequence = sequences.get(word) ?? [];
      if (options.guarantee === 'exactly_once_v2') {
        const exact = sequence.length === count && sequence.every((value, index) => value === index + 1);
        if (!exact) {
          const extra = sequence.length - count;
          const deviation = sequence.findIndex((value, index) => value !== index + 1);
          problems.push(`'${word}': ${sequence.length} committed updates for a count of ${count}${extra > 0 ? ` (${extra} extra)` : ''}; first deviation at index ${deviation}${deviation >= 0 ? ` (…${sequence.slice(Math.max(0, deviation - 2), deviation + 4).join(', ')}…)` : ''}`);
        }
      } else if (Math.max(0, ...sequence) < count) {
        problems.push(`'${word}': lost updates, final ${Math.max(0, ...sequence)} < ${count}`);
      }
    }
    // An instance that died by itself (say, of a broker bounce) was only
    // masked by the restart at the end of the chaos: it is a failure.
    for (const instance of instances) problems.push(...instance.unexpectedExits);
    // Records a consumer delivered again before a task's position (dropped by the task).
    const redeliveries = instances.reduce((total, instance) => total + (instance.output.match(/delivered again; dropped/g)?.length ?? 0), 0);
    if (redeliveries > 0) log(`  ${redeliveries} time(s) a consumer delivered records again before a task's position (dropped)`);
    // Members whose group membership was interrupted (a consumer crashed and
    // rejoined as a new member, or missed a generation): they closed every
    // task and reopened the assigned ones from Kafka.
    const interruptions = instances.reduce((total, instance) => total + (instance.output.match(/(rejoined as a new member|missed a rebalance|after losing its membership)[^\n]*closing its tasks/g)?.length ?? 0), 0);
    if (interruptions > 0) log(`  ${interruptions} time(s) a member's membership was interrupted: it closed its tasks and reopened the assigned ones from Kafka`);
    // Where an exactly-once run went wrong: stage 1's output (the repartition
    // topic) against the input, word by word.
    if (problems.length > 0 && options.guarantee === 'exactly_once_v2') {
      const repartitioned = new Map<string, number>();
      for (const record of readCommittedWithJava(bootstrap, `${applicationId}-words-repartition`)) repartitioned.set(record.key!, (repartitioned.get(record.key!) ?? 0) + 1);
      const off = [...expected].filter(([word, count]) => (repartitioned.get(word) ?? 0) !== count);
      problems.push(
        off.length === 0
          ? 'stage 1 (the repartition topic) is exact: stage 2 went wrong'
          : `stage 1 (the repartition topic) is off for ${off.length} word(s), e.g. ${off.slice(0, 4).map(([word, count]) => `${word} ${repartitioned.get(word) ?? 0}/${count}`).join(', ')}`,
      );
    }
    // No task stays failed: a task that failed late (say, as the broker came
    // back) may still be in its retry backoff when the counts settle; it must
    // be running again within a minute.
    const failedTasks = async () => {
      const failed: string[] = [];
      for (const instance of instances) {
        const status = await instance.status();
        for (const task of status?.threads.flatMap((thread) => thread.activeTasks) ?? []) {
          if (task.state === 'failed') failed.push(`${instance.name}: task ${task.taskId} is failed: ${task.failure}`);
        }
      }
      return failed;
    };
    const reopenDeadline = Date.now() + 60_000;
    let stillFailed = await failedTasks();
    while (stillFailed.length > 0 && Date.now() < reopenDeadline) {
      await sleep(1000);
      stillFailed = await failedTasks();
    }
    problems.push(...stillFailed.map((line) => `${line} (still, 60 s after the counts settled)`));
    return {
      seed: options.seed,
      guarantee: options.guarantee,
      instances: options.instances,
      standbys: options.standbys ?? 0,
      threads: options.threads ?? 1,
      kills,
      wipes: events.filter((event) => event.kind === 'kill' && event.wipe).length,
      bounces: options.bounces,
      bounceDownMs: options.bounceDownMs,
      inputLines,
      words,
      outputRecords,
      settleSeconds,
      exact: problems.length === 0,
      problems: problems.slice(0, 20),
      // When a run is not exact: what each instance said that may explain it.
      evidence:
        problems.length === 0
          ? []
          : instances.flatMap((instance) =>
              instance.output
                .split('\n')
                .filter((line) => /warn|error|fail|fenc|reopen|again|restored|crash|replac/i.test(line))
                .slice(-25)
                .map((line) => `${instance.name}: ${line.slice(0, 300)}`),
            ),
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    await Promise.all(instances.map((instance) => instance.kill('SIGTERM')));
    if (problems.length > 0 && process.env.EDDY_CHAOS_KEEP_LOGS) {
      for (const instance of instances) writeFileSync(join(work, `${instance.name}.log`), instance.output);
      log(`  instance logs kept in ${work}`);
    } else {
      rmSync(work, { recursive: true, force: true });
    }
    await broker.stop();
    rmSync(brokerDirectory, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      instances: { type: 'string', default: '3' },
      kills: { type: 'string', default: '10' },
      wipes: { type: 'string', default: '3' },
      bounces: { type: 'string', default: '2' },
      'bounce-down-ms': { type: 'string', default: '20000' },
      'duration-s': { type: 'string', default: '60' },
      partitions: { type: 'string', default: '6' },
      guarantee: { type: 'string', default: 'exactly_once_v2' },
      standbys: { type: 'string', default: '0' },
      threads: { type: 'string', default: '1' },
      'lines-per-second': { type: 'string', default: '80' },
      'settle-timeout-s': { type: 'string', default: '300' },
      json: { type: 'boolean', default: false },
    },
  });
  const guarantee = values.guarantee;
  if (guarantee !== 'exactly_once_v2' && guarantee !== 'at_least_once') {
    process.stderr.write(`--guarantee must be exactly_once_v2 or at_least_once, got ${guarantee}\n`);
    process.exit(2);
  }
  const report = await runChaos({
    seed: Number(values.seed),
    instances: Number(values.instances),
    kills: Number(values.kills),
    wipes: Number(values.wipes),
    bounces: Number(values.bounces),
    bounceDownMs: Number(values['bounce-down-ms']),
    durationS: Number(values['duration-s']),
    partitions: Number(values.partitions),
    guarantee,
    standbys: Number(values.standbys),
    threads: Number(values.threads),
    linesPerSecond: Number(values['lines-per-second']),
    settleTimeoutS: Number(values['settle-timeout-s']),
    log: (text) => process.stderr.write(`${text}\n`),
  });
  if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else {
    process.stdout.write(
      `seed ${report.seed} ${report.guarantee}: ${report.exact ? 'EXACT' : 'FAILED'} — ${report.instances} instances, ${report.kills} kills (${report.wipes} with state wiped), ${report.bounces} broker bounces (${report.bounceDownMs} ms down), ${report.inputLines} lines, ${report.words} words, ${report.outputRecords} committed updates, settled ${report.settleSeconds ?? '—'} s after the chaos, ${report.seconds} s in all\n`,
    );
    for (const problem of report.problems) process.stdout.write(`  - ${problem}\n`);
    if (report.evidence.length > 0) process.stdout.write(`  what the instances said:\n${report.evidence.map((line) => `    ${line}`).join('\n')}\n`);
  }
  process.exit(report.exact ? 0 : 1);
}
