// `eddy dry-run`: JSON lines in, a topology run in-process, JSON lines out.
//
// Owns: the dry-run line formats — parsing and checking every input line
// (errors name the line number; a bad line stops the run before anything is
// processed, so nothing is skipped silently), building the one-component
// topology, and formatting each sink record as an output line in emission
// order.
// Must never: process a partially valid input, or drop a record without an
// error.

import type { TimestampExtractorName } from '../time/timestamp-extractor.ts';
import { basename, extname } from 'node:path';
import { asBuffer } from '../bytes.ts';
import { ConfigError, EddyError, InputFormatError } from '../errors.ts';
import type { PluginLimits } from '../plugin/component.ts';
import type { Header, StreamRecord } from '../record.ts';
import { TaskDatabase } from '../state/task-database.ts';
import type { InputRecord, LogEntry, SinkRecord } from '../task/stream-task.ts';
import { InProcessTopology } from './in-process-topology.ts';
import { Topology, TopologyBuilder } from '../topology/topology.ts';

/** One valid input line. */
export interface DryRunInput {
  line: number;
  topic: string | undefined;
  record: StreamRecord;
}

const allowedFields = new Set(['key', 'value', 'keyBase64', 'valueBase64', 'timestamp', 'headers', 'topic']);
const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses dry-run input. Blank lines are ignored; every other line must be a
 * JSON object `{"key": string|null, "value": string|null, "timestamp": number}`
 * (or `keyBase64` / `valueBase64` for binary; optional `headers`, `topic`).
 * Returns every valid record, and an error per invalid line.
 */
export function parseDryRunInput(text: string, sourceName = 'stdin'): { inputs: DryRunInput[]; errors: InputFormatError[] } {
  const inputs: DryRunInput[] = [];
  const errors: InputFormatError[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    try {
      inputs.push(parseLine(raw, line));
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      errors.push(new InputFormatError(`input line ${line}: ${error.message}`, { file: sourceName, line }));
    }
  });
  return { inputs, errors };
}

class LineError extends Error {}

function parseLine(raw: string, line: number): DryRunInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new LineError(`not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new LineError('must be a JSON object');
  const fields = parsed as Record<string, unknown>;
  for (const name of Object.keys(fields)) {
    if (!allowedFields.has(name)) throw new LineError(`unknown field '${name}' (expected key, value, keyBase64, valueBase64, timestamp, headers, topic)`);
  }
  const timestamp = fields.timestamp;
  if (timestamp === undefined) throw new LineError("missing 'timestamp' (milliseconds since the epoch)");
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new LineError(`'timestamp' must be a non-negative integer, got ${JSON.stringify(timestamp)}`);
  }
  const topic = fields.topic;
  if (topic !== undefined && (typeof topic !== 'string' || topic === '')) throw new LineError("'topic' must be a non-empty string");
  return {
    line,
    topic: topic as string | undefined,
    record: {
      key: bytesField(fields, 'key', 'keyBase64'),
      value: bytesField(fields, 'value', 'valueBase64'),
      timestamp,
      headers: headersField(fields.headers),
    },
  };
}

function bytesField(fields: Record<string, unknown>, textName: string, base64Name: string, where = ''): Uint8Array | undefined {
  const textValue = fields[textName];
  const base64Value = fields[base64Name];
  if (textValue !== undefined && base64Value !== undefined) throw new LineError(`give '${where}${textName}' or '${where}${base64Name}', not both`);
  if (base64Value !== undefined && base64Value !== null) {
    if (typeof base64Value !== 'string' || !base64Pattern.test(base64Value)) throw new LineError(`'${where}${base64Name}' must be a base64 string`);
    return new Uint8Array(Buffer.from(base64Value, 'base64'));
  }
  if (textValue === undefined || textValue === null) return undefined;
  if (typeof textValue !== 'string') throw new LineError(`'${where}${textName}' must be a string or null, got ${typeof textValue}`);
  return encoder.encode(textValue);
}

function headersField(value: unknown): Header[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new LineError("'headers' must be a list of {\"key\": string, \"value\": string}");
  return value.map((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new LineError(`'headers[${index}]' must be an object`);
    const header = item as Record<string, unknown>;
    for (const name of Object.keys(header)) {
      if (!['key', 'value', 'valueBase64'].includes(name)) throw new LineError(`'headers[${index}]' has unknown field '${name}'`);
    }
    if (typeof header.key !== 'string') throw new LineError(`'headers[${index}].key' must be a string`);
    return { key: header.key, value: bytesField(header, 'value', 'valueBase64', `headers[${index}].`) ?? new Uint8Array() };
  });
}

/**
 * How output lines carry bytes: `text` — UTF-8 text where the bytes are
 * UTF-8, base64 otherwise (`key` or `keyBase64`); `base64` — always base64
 * (`keyBase64`, `valueBase64`), for windowed keys, longs and comparisons byte
 * for byte.
 */
export type OutputFormat = 'text' | 'base64';

/** One output line. */
export function formatOutputLine(output: SinkRecord, format: OutputFormat = 'text'): string {
  const { key, value, timestamp, headers } = output.record;
  const line: Record<string, unknown> = { topic: output.topic };
  Object.assign(line, bytesOut('key', key, format), bytesOut('value', value, format));
  line.timestamp = timestamp;
  if (headers.length > 0) {
    line.headers = headers.map((header) => ({ key: header.key, ...bytesOut('value', header.value, format) }));
  }
  return JSON.stringify(line);
}

function bytesOut(name: string, bytes: Uint8Array | undefined, format: OutputFormat): Record<string, string | null> {
  if (format === 'base64') return { [`${name}Base64`]: bytes === undefined ? null : asBuffer(bytes).toString('base64') };
  if (bytes === undefined) return { [name]: null };
  try {
    return { [name]: strictDecoder.decode(bytes) };
  } catch {
    return { [`${name}Base64`]: asBuffer(bytes).toString('base64') };
  }
}

/** The topology `dry-run` builds around a single component: input → plugin → output. */
export function singleComponentTopology(componentPath: string, config: Array<[string, string]>): Topology {
  const name = basename(componentPath, extname(componentPath)).replace(/[^A-Za-z0-9._-]/g, '-') || 'processor';
  return new TopologyBuilder()
    .addSource('input', 'input')
    .addProcessor(name, componentPath, { config, stores: '*' }, 'input')
    .addSink('output', 'output', name)
    .build();
}

/** Parses `--config` values: `key=value` (or `node.key=value` for pipelines). */
export function parseConfigFlags(flags: string[]): Array<[string, string]> {
  return flags.map((flag) => {
    const equals = flag.indexOf('=');
    if (equals <= 0) throw new ConfigError(`--config ${flag}: expected key=value`, { field: '--config' });
    return [flag.slice(0, equals), flag.slice(equals + 1)];
  });
}

export interface DryRunOptions {
  /** SQLite file for the stores; default in memory (state is not kept). */
  stateFile?: string;
  limits?: Partial<PluginLimits>;
  deadLetterQueueTopic?: string;
  /** The timestamp extractor of sources that set none (default fail-on-invalid). */
  timestampExtractor?: TimestampExtractorName;
  /** Records per commit (1 when a record cache is set: Kafka Streams' test driver commits after every record). */
  chunkSize?: number;
  /** statestore.cache.max.bytes for the run (default 0: every update is written). */
  cacheMaxBytes?: number;
  onOutput: (output: SinkRecord) => void;
  onLog?: (entry: LogEntry) => void;
}

/**
 * Runs `inputs` through `topology` in process (one task per sub-topology;
 * repartition topics looped back, see in-process-topology.ts). The offset of a record is its
 * line number minus one, so errors point at input lines. Lines without a
 * `topic` go to the first source's first topic.
 */
export async function runDryRun(topology: Topology, inputs: DryRunInput[], options: DryRunOptions): Promise<void> {
  const known = new Set([...topology.sourceTopics, ...topology.globalTopics]);
  // With several input topics (repartition topics aside; global stores' topics included) a line must say which.
  const inputTopics = [...topology.sourceTopics.filter((topic) => !topology.repartitionTopics.includes(topic)), ...topology.globalTopics];
  const defaultTopic = inputTopics.length === 1 ? inputTopics[0]! : undefined;
  for (const input of inputs) {
    if (input.topic !== undefined && !known.has(input.topic)) {
      throw new InputFormatError(`input line ${input.line}: no source reads topic '${input.topic}' (sources read: ${[...known].join(', ')})`, { line: input.line });
    }
    if (input.topic === undefined && defaultTopic === undefined) {
      throw new InputFormatError(`input line ${input.line}: the topology reads several topics (${inputTopics.join(', ')}): give the line a "topic"`, { line: input.line });
    }
  }
  const run = await InProcessTopology.create(topology, {
    applicationId: 'dry-run',
    database: TaskDatabase.open(options.stateFile ?? ':memory:'),
    onOutput: options.onOutput,
    onLog: options.onLog,
    limits: options.limits,
    deadLetterQueueTopic: options.deadLetterQueueTopic,
    timestampExtractor: options.timestampExtractor,
    cacheMaxBytes: options.cacheMaxBytes ?? 0,
  });
  const chunkSize = options.chunkSize ?? ((options.cacheMaxBytes ?? 0) > 0 ? 1 : 1000);
  try {
    for (let start = 0; start < inputs.length; start += chunkSize) {
      const batch: InputRecord[] = inputs.slice(start, start + chunkSize).map((input) => ({
        topic: input.topic ?? defaultTopic!,
        partition: 0,
        offset: input.line - 1,
        record: input.record,
      }));
      run.process(batch);
      run.commit();
    }
    run.close();
  } catch (error) {
    try {
      run.close();
    } catch {
      // the first failure is the one to report
    }
    // The offset of an input record is its line number minus one (not so for
    // records of the topology's own repartition topics).
    if (error instanceof EddyError && error.context.offset !== undefined && !(error.context.topic && run.isInternal(error.context.topic))) {
      throw error.withContext({ line: error.context.offset + 1 });
    }
    throw error;
  }
}
