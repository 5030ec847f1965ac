// The `eddy` command.
//
// Owns: parsing command lines and mapping each command to the module that
// does the work; printing results and typed errors (with their context) in a
// form a person can act on; exit codes (0 ok, 1 failure, 2 usage error).
// Must never: hold logic of its own beyond argument handling.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPlugin } from './build/build-plugin.ts';
import { initCombinationProblem, initPlugin, type InitKind, type InitLanguage, type InitWorld } from './build/init-plugin.ts';
import { testPlugin } from './build/test-plugin.ts';
import { ConfigError, EddyError, messageOf } from './errors.ts';
import type { PluginLimits } from './plugin/component.ts';
import { formatOutputLine, parseConfigFlags, parseDryRunInput, runDryRun, singleComponentTopology } from './testing/dry-run.ts';
import { builtComponentOf, loadPipelineFile } from './topology/pipeline-file.ts';
import type { Topology } from './topology/topology.ts';

const usage = `eddy — stream processing on Kafka with WebAssembly plugins

Usage:
  eddy dry-run <component.wasm | plugin-dir | pipeline.yaml> [options] < input.jsonl > output.jsonl
      --config key=value      plugin config (pipelines: node.key=value); repeatable
      --state <file.db>       keep store contents in this SQLite file (default: in memory)
      --memory-mb <n>         memory cap per plugin instance (default 256)
      --cpu-ms <n>            CPU-time limit per plugin call (default 5000)
      --dead-letter-queue <topic>  send records that fail in a plugin there instead of stopping
      --output-format text|base64  text: UTF-8 where possible (default); base64: keyBase64/valueBase64 always
      --cache-max-bytes <n>   DSL record cache (statestore.cache.max.bytes; default 0: every update),
                              committed after every input record as Kafka Streams' test driver
  eddy build <plugin-dir>... [--force]   build plugins into <dir>/dist/<name>.wasm
  eddy init --lang ts|js|rust|python|c|go [--world processor|functions] <dir>
                                         create a plugin project (a processor, or DSL functions)
  eddy init --lang rust|ts|js --kind source|sink|transform <dir>
                                         … a Kafka Connect source or sink connector, or transform
  eddy test [plugin-dir]                 build, then run the project's tests
  eddy describe <pipeline.yaml|app.yaml> print the topology (its sub-topologies)
  eddy run <app.yaml>                    run an application on Kafka until SIGTERM/SIGINT
  eddy connect-standalone <worker.properties> [<connector.properties|connector.json>...]
                                         run Kafka Connect connectors (Kafka's own files) until SIGTERM/SIGINT;
                                         Kafka Connect's REST API on the worker's listeners (default http://:8083)
  eddy connect-distributed <worker.properties>
                                         join a Kafka Connect cluster (group.id, config/offset/status topics)
                                         and serve its REST API until SIGTERM/SIGINT
  eddy swap --admin <url> --node <name> --plugin <component.wasm> [--config key=value]…
                                         hot-swap a processor's plugin in a running application

Input lines:  {"key": string|null, "value": string|null, "timestamp": number}
              (keyBase64/valueBase64 for binary; optional "headers"; "topic" — required when
              the topology reads several topics)
Output lines: {"topic": string, "key": …, "value": …, "timestamp": number}
`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'dry-run':
      return dryRun(rest);
    case 'build':
      return build(rest);
    case 'init':
      return init(rest);
    case 'test':
      return test(rest);
    case 'describe':
      return describe(rest);
    case 'run':
      return runApplication(rest);
    case 'swap':
      return swap(rest);
    case 'connect-standalone':
      return connectStandalone(rest);
    case 'connect-distributed':
      return connectDistributed(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

async function dryRun(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string', multiple: true, default: [] },
      state: { type: 'string' },
      'memory-mb': { type: 'string' },
      'cpu-ms': { type: 'string' },
      'dead-letter-queue': { type: 'string' },
      'output-format': { type: 'string', default: 'text' },
      'cache-max-bytes': { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('dry-run takes one component, plugin folder or pipeline file');
  const format = values['output-format'];
  if (format !== 'text' && format !== 'base64') throw new UsageError(`--output-format must be text or base64, got '${format}'`);
  const target = positionals[0]!;
  const topology = topologyFor(target, parseConfigFlags(values.config ?? []));
  const input = readFileSync(0, 'utf8');
  const { inputs, errors } = parseDryRunInput(input);
  if (errors.length > 0) {
    for (const error of errors) process.stderr.write(`eddy: ${error.detail}\n`);
    process.stderr.write(`eddy: ${errors.length} bad input line(s); nothing was processed\n`);
    return 1;
  }
  const limits: Partial<PluginLimits> = {};
  if (values['memory-mb']) limits.memoryBytes = positiveNumber(values['memory-mb'], '--memory-mb') * 1024 * 1024;
  if (values['cpu-ms']) limits.cpuMs = positiveNumber(values['cpu-ms'], '--cpu-ms');
  let pending = '';
  const flush = (): void => {
    if (pending) process.stdout.write(pending);
    pending = '';
  };
  try {
    await runDryRun(topology, inputs, {
      stateFile: values.state,
      limits,
      deadLetterQueueTopic: values['dead-letter-queue'],
      ...(values['cache-max-bytes'] ? { cacheMaxBytes: nonNegativeInteger(values['cache-max-bytes'], '--cache-max-bytes') } : {}),
      onOutput: (output) => {
        pending += formatOutputLine(output, format) + '\n';
        if (pending.length > 65536) flush();
      },
    });
  } finally {
    flush();
  }
  return 0;
}

function topologyFor(target: string, config: Array<[string, string]>): Topology {
  if (!existsSync(target)) throw new ConfigError(`${target} does not exist`, { file: target });
  if (statSync(target).isDirectory()) return singleComponentTopology(builtComponentOf(resolve(target)), config);
  const extension = extname(target);
  if (extension === '.wasm') return singleComponentTopology(resolve(target), config);
  if (['.yaml', '.yml', '.json'].includes(extension)) {
    const overrides = new Map<string, Array<[string, string]>>();
    for (const [key, value] of config) {
      const dot = key.indexOf('.');
      if (dot <= 0) throw new ConfigError(`--config ${key}=${value}: for a pipeline, name the node: node.key=value`, { field: '--config' });
      const node = key.slice(0, dot);
      overrides.set(node, [...(overrides.get(node) ?? []), [key.slice(dot + 1), value]]);
    }
    return loadPipelineFile(target, overrides);
  }
  throw new UsageError(`${target}: expected a .wasm component, a plugin folder, or a .yaml/.json pipeline`);
}

async function build(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { force: { type: 'boolean', default: false } } });
  if (positionals.length === 0) throw new UsageError('build needs at least one plugin folder');
  for (const directory of positionals) {
    const result = await buildPlugin(directory, { force: values.force });
    const what = result.built ? `built in ${(result.milliseconds / 1000).toFixed(1)} s` : 'up to date';
    process.stderr.write(`eddy: ${result.name} (${result.language}) → ${result.output} (${what})\n`);
  }
  return 0;
}

async function init(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { lang: { type: 'string' }, world: { type: 'string', default: 'processor' }, kind: { type: 'string', default: 'processor' } } });
  if (values.lang !== 'ts' && values.lang !== 'js' && values.lang !== 'rust' && values.lang !== 'python' && values.lang !== 'c' && values.lang !== 'go') throw new UsageError('init needs --lang ts, --lang js, --lang rust, --lang python, --lang c or --lang go');
  if (values.world !== 'processor' && values.world !== 'functions') throw new UsageError('--world must be processor or functions');
  const problem = initCombinationProblem(values.kind, values.lang, values.world);
  if (problem) throw new UsageError(problem);
  if (positionals.length !== 1) throw new UsageError('init needs one folder');
  const files = initPlugin(positionals[0]!, values.lang as InitLanguage, values.world as InitWorld, values.kind as InitKind);
  process.stderr.write(`eddy: created ${positionals[0]} (${files.length} files). Next:\n  npx eddy build ${positionals[0]}\n  npx eddy test ${positionals[0]}\n`);
  return 0;
}

async function test(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const directory = positionals[0] ?? '.';
  const result = await testPlugin(directory, { onLine: (line) => process.stderr.write(`${line}\n`) });
  process.stderr.write(`${result.passed} passed, ${result.failed} failed\n`);
  return result.failed === 0 ? 0 : 1;
}

async function describe(args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError('describe takes one pipeline or application file');
  const file = args[0]!;
  // An application file (`eddy run`) carries its topology under `topology`;
  // describing it needs no broker, so an unset KAFKA_BROKERS is no error here.
  const isApplication = existsSync(file) && /^\s*"?application\.id"?\s*:/m.test(readFileSync(file, 'utf8'));
  if (isApplication) {
    const { loadAppConfig } = await import('./app/app-config.ts');
    process.stdout.write(loadAppConfig(file, { ...process.env, KAFKA_BROKERS: process.env.KAFKA_BROKERS || 'localhost:9092' }).topology.describe());
  } else {
    process.stdout.write(loadPipelineFile(file).describe());
  }
  return 0;
}

async function runApplication(args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError('run takes one application file');
  const { Application } = await import('./app/application.ts');
  const application = await Application.start(args[0]!);
  if (application.adminUrl) process.stdout.write(`${JSON.stringify({ admin: application.adminUrl, processId: application.processId })}\n`);
  return runUntilSignal('committing and closing', () => application.stop());
}

/**
 * Waits for SIGTERM or SIGINT, then stops with `stop` (saying `doing`) and
 * exits: the Kafka client keeps timers alive after disconnecting.
 */
async function runUntilSignal(doing: string, stop: () => Promise<void>): Promise<number> {
  await new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      process.stderr.write(`eddy: ${signal}: ${doing}…\n`);
      stop().then(resolve, (error: unknown) => {
        process.stderr.write(`eddy: stop failed: ${messageOf(error)}\n`);
        resolve();
      });
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  });
  setImmediate(() => process.exit(0));
  return 0;
}

async function connectStandalone(args: string[]): Promise<number> {
  if (args.length < 1) throw new UsageError('connect-standalone takes a worker properties file and any number of connector files');
  const { StandaloneWorker } = await import('./connect/standalone-worker.ts');
  let worker: Awaited<ReturnType<typeof StandaloneWorker.start>>;
  try {
    worker = await StandaloneWorker.start(args[0]!, args.slice(1));
  } catch (error) {
    // The Kafka client may keep timers alive after a failed start: leave once the error is printed (exit code set there).
    setTimeout(() => process.exit(), 200).unref();
    throw error;
  }
  process.stdout.write(`${JSON.stringify({ connectors: worker.status().map((connector) => ({ name: connector.name, type: connector.type, tasks: connector.tasks.length })), rest: worker.restUrl })}\n`);
  return runUntilSignal('stopping connectors and storing offsets', () => worker.stop());
}

async function connectDistributed(args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError('connect-distributed takes one worker properties file');
  const { DistributedWorker } = await import('./connect/distributed-worker.ts');
  let worker: Awaited<ReturnType<typeof DistributedWorker.start>>;
  try {
    worker = await DistributedWorker.start(args[0]!);
  } catch (error) {
    setTimeout(() => process.exit(), 200).unref();
    throw error;
  }
  process.stdout.write(`${JSON.stringify({ group: worker.config.distributed!.groupId, rest: worker.restUrl })}\n`);
  return runUntilSignal('leaving the group, stopping connectors and storing offsets', () => worker.stop());
}

async function swap(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      admin: { type: 'string' },
      node: { type: 'string' },
      plugin: { type: 'string' },
      config: { type: 'string', multiple: true },
    },
  });
  if (!values.admin || !values.node || !values.plugin) throw new UsageError('swap needs --admin, --node and --plugin');
  const body: Record<string, unknown> = { node: values.node, plugin: resolve(values.plugin) };
  if (values.config) body.config = Object.fromEntries(parseConfigFlags(values.config));
  const response = await fetch(`${values.admin.replace(/\/$/, '')}/swap`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await response.text();
  process.stdout.write(`${text}\n`);
  return response.status === 200 ? 0 : 1;
}

function nonNegativeInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${flag} must be a whole number ≥ 0, got '${text}'`, { field: flag });
  return value;
}

function positiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!(value > 0)) throw new ConfigError(`${flag} must be a positive number, got '${text}'`, { field: flag });
  return value;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // node:util's parseArgs refuses unknown options and missing values: a usage error too.
    const badArguments = error instanceof TypeError && /^ERR_PARSE_ARGS_/.test(String((error as { code?: unknown }).code));
    if (error instanceof UsageError || badArguments) {
      process.stderr.write(`eddy: ${(error as Error).message}\n\n${usage}`);
      process.exitCode = 2;
    } else if (error instanceof EddyError) {
      process.stderr.write(`eddy: ${error.name}: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`eddy: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : messageOf(error)}\n`);
      process.exitCode = 1;
    }
  },
);
