// Pipeline files: a topology written as YAML or JSON.
//
// Owns: reading a pipeline file, checking every field (errors name the field
// path and the file), resolving plugin paths relative to the file, and
// feeding the same TopologyBuilder the TypeScript API uses.
// Must never: build a topology any other way than through TopologyBuilder.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, EddyError, messageOf } from '../errors.ts';
import type { PluginLimits } from '../plugin/component.ts';
import type { StoreSpec } from '../state/store-spec.ts';
import { timestampExtractorByName, timestampExtractorNames } from '../time/timestamp-extractor.ts';
import { Topology, TopologyBuilder } from './topology.ts';

/** Extra config per processor name, applied over the file's (e.g. from --config node.key=value). */
export type ConfigOverrides = ReadonlyMap<string, Array<[string, string]>>;

/** Reads and validates a pipeline file into a Topology. */
export function loadPipelineFile(path: string, overrides: ConfigOverrides = new Map()): Topology {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the pipeline file: ${messageOf(error)}`, { file: path });
  }
  let document: unknown;
  try {
    document = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`the pipeline file is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${messageOf(error)}`, { file: path });
  }
  return topologyFromDocument(document, { file: path, baseDirectory: dirname(resolve(path)), overrides });
}

export interface DocumentOrigin {
  /** For messages. */
  file: string;
  /** Plugin paths are relative to this directory. */
  baseDirectory: string;
  /** Prefix of field paths, e.g. `topology`. */
  fieldPrefix?: string;
  overrides?: ConfigOverrides;
}

/** Builds a topology from a parsed pipeline document (also used by app files). */
export function topologyFromDocument(document: unknown, origin: DocumentOrigin): Topology {
  const fields = new FieldReader(origin);
  const root = fields.object(document, '');
  const builder = new TopologyBuilder();
  const overrides = origin.overrides ?? new Map<string, Array<[string, string]>>();
  const processorNames = new Set<string>();
  try {
    // Declared stores first (window and session stores need their options);
    // a store a processor lists without a declaration is a key-value store.
    fields.list(root.stores, 'stores', false).forEach((item, index) => builder.addStateStore(fields.storeSpec(item, `stores[${index}]`)));
    fields.list(root.sources, 'sources', true).forEach((item, index) => {
      const at = `sources[${index}]`;
      const source = fields.object(item, at);
      for (const key of Object.keys(source)) {
        if (!['name', 'topics', 'timestamp.extractor'].includes(key)) throw new ConfigError(`unknown field '${key}' (expected name, topics, timestamp.extractor)`, { file: origin.file, field: fields.path(`${at}.${key}`) });
      }
      const extractor = source['timestamp.extractor'] === undefined ? undefined : fields.string(source['timestamp.extractor'], `${at}.timestamp.extractor`);
      const timestampExtractor = extractor === undefined ? undefined : timestampExtractorByName(extractor);
      if (extractor !== undefined && !timestampExtractor) {
        throw new ConfigError(`unknown timestamp extractor '${extractor}' (expected ${timestampExtractorNames.join(', ')})`, { file: origin.file, field: fields.path(`${at}.timestamp.extractor`) });
      }
      builder.addSourceWith(fields.string(source.name, `${at}.name`), timestampExtractor ? { timestampExtractor } : {}, ...fields.strings(source.topics, `${at}.topics`));
    });
    fields.list(root.processors, 'processors', false).forEach((item, index) => {
      const at = `processors[${index}]`;
      const processor = fields.object(item, at);
      const name = fields.string(processor.name, `${at}.name`);
      const plugin = resolvePlugin(fields.string(processor.plugin, `${at}.plugin`), origin, fields.path(`${at}.plugin`));
      const stores = processor.stores === '*' ? '*' : fields.strings(processor.stores ?? [], `${at}.stores`, true);
      const config = new Map(fields.config(processor.config, `${at}.config`));
      for (const [key, value] of overrides.get(name) ?? []) config.set(key, value);
      processorNames.add(name);
      builder.addProcessor(
        name,
        plugin,
        { config: [...config], stores, limits: fields.limits(processor.limits, `${at}.limits`) },
        ...fields.strings(processor.parents, `${at}.parents`),
      );
    });
    fields.list(root.sinks, 'sinks', false).forEach((item, index) => {
      const at = `sinks[${index}]`;
      const sink = fields.object(item, at);
      builder.addSink(fields.string(sink.name, `${at}.name`), fields.string(sink.topic, `${at}.topic`), ...fields.strings(sink.parents, `${at}.parents`));
    });
    for (const name of overrides.keys()) {
      if (!processorNames.has(name)) throw new ConfigError(`config override for '${name}': no processor of that name`, { field: '--config' });
    }
    for (const key of Object.keys(root)) {
      if (!['stores', 'sources', 'processors', 'sinks'].includes(key)) {
        throw new ConfigError(`unknown field '${key}' (expected stores, sources, processors, sinks)`, { file: origin.file, field: fields.path(key) });
      }
    }
    return builder.build();
  } catch (error) {
    if (error instanceof EddyError) throw error.withContext({ file: origin.file });
    throw error;
  }
}

/** Resolves a plugin reference: a .wasm file, or a plugin folder with one build in dist/. */
export function resolvePlugin(reference: string, origin: Pick<DocumentOrigin, 'file' | 'baseDirectory'>, field?: string): string {
  const path = isAbsolute(reference) ? reference : join(origin.baseDirectory, reference);
  if (!existsSync(path)) throw new ConfigError(`plugin '${reference}' does not exist (looked at ${path})`, { file: origin.file, field });
  if (statSync(path).isDirectory()) return builtComponentOf(path, { file: origin.file, field });
  return path;
}

/** The component `eddy build` wrote for a plugin folder. */
export function builtComponentOf(directory: string, context: { file?: string; field?: string } = {}): string {
  const dist = join(directory, 'dist');
  const built = existsSync(dist) ? readdirSync(dist).filter((name) => name.endsWith('.wasm')) : [];
  if (built.length !== 1) {
    throw new ConfigError(
      built.length === 0
        ? `plugin folder ${directory} has no build: run \`npx eddy build ${directory}\``
        : `plugin folder ${directory} has several builds in dist/: name the .wasm file`,
      context,
    );
  }
  return join(dist, built[0]!);
}

class FieldReader {
  constructor(private readonly origin: DocumentOrigin) {}

  path(field: string): string {
    return [this.origin.fieldPrefix, field].filter(Boolean).join('.');
  }

  private fail(field: string, message: string): never {
    throw new ConfigError(message, { file: this.origin.file, field: this.path(field) || '(root)' });
  }

  object(value: unknown, field: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(field, 'must be a mapping (key: value)');
    return value as Record<string, unknown>;
  }

  list(value: unknown, field: string, required: boolean): unknown[] {
    if (value === undefined && !required) return [];
    if (!Array.isArray(value) || (required && value.length === 0)) this.fail(field, required ? 'must be a non-empty list' : 'must be a list');
    return value;
  }

  string(value: unknown, field: string): string {
    if (typeof value !== 'string' || value === '') this.fail(field, 'must be a non-empty string');
    return value;
  }

  strings(value: unknown, field: string, allowEmpty = false): string[] {
    const items = this.list(value, field, !allowEmpty);
    return items.map((item, index) => this.string(item, `${field}[${index}]`));
  }

  config(value: unknown, field: string): Array<[string, string]> {
    if (value === undefined) return [];
    const entries = Object.entries(this.object(value, field));
    return entries.map(([key, entry]) => {
      if (typeof entry === 'object' && entry !== null) this.fail(`${field}.${key}`, 'must be a string, number or boolean');
      return [key, String(entry)];
    });
  }

  /** A store declaration: `{ name, kind: key-value | window | session, retention.ms, window.size.ms, retain.duplicates, segment.interval.ms }`. */
  storeSpec(value: unknown, field: string): StoreSpec {
    const spec = this.object(value, field);
    const name = this.string(spec.name, `${field}.name`);
    const kind = spec.kind ?? 'key-value';
    const allowed: Record<string, string[]> = {
      'key-value': ['name', 'kind'],
      window: ['name', 'kind', 'retention.ms', 'window.size.ms', 'retain.duplicates', 'segment.interval.ms'],
      session: ['name', 'kind', 'retention.ms', 'segment.interval.ms'],
    };
    if (typeof kind !== 'string' || !allowed[kind]) this.fail(`${field}.kind`, `must be key-value, window or session, got '${String(kind)}'`);
    for (const key of Object.keys(spec)) if (!allowed[kind]!.includes(key)) this.fail(`${field}.${key}`, `unknown field for a ${kind} store (expected ${allowed[kind]!.join(', ')})`);
    const milliseconds = (key: string, required: boolean): number | undefined => {
      const entry = spec[key];
      if (entry === undefined && !required) return undefined;
      if (typeof entry !== 'number' || !Number.isInteger(entry) || entry < 1) this.fail(`${field}.${key}`, 'must be a whole number of milliseconds ≥ 1');
      return entry;
    };
    const segment = milliseconds('segment.interval.ms', false);
    if (kind === 'window') {
      const duplicates = spec['retain.duplicates'] ?? false;
      if (typeof duplicates !== 'boolean') this.fail(`${field}.retain.duplicates`, 'must be true or false');
      return {
        name,
        kind,
        retentionMs: milliseconds('retention.ms', true)!,
        windowSizeMs: milliseconds('window.size.ms', true)!,
        retainDuplicates: duplicates,
        ...(segment ? { segmentIntervalMs: segment } : {}),
      };
    }
    if (kind === 'session') return { name, kind, retentionMs: milliseconds('retention.ms', true)!, ...(segment ? { segmentIntervalMs: segment } : {}) };
    return { name, kind: 'key-value' };
  }

  limits(value: unknown, field: string): Partial<PluginLimits> {
    if (value === undefined) return {};
    const limits = this.object(value, field);
    const out: Partial<PluginLimits> = {};
    for (const [key, entry] of Object.entries(limits)) {
      if (typeof entry !== 'number' || !(entry > 0)) this.fail(`${field}.${key}`, 'must be a positive number');
      if (key === 'memoryMb') out.memoryBytes = Math.floor(entry * 1024 * 1024);
      else if (key === 'cpuMs') out.cpuMs = entry;
      else this.fail(`${field}.${key}`, 'unknown limit (expected memoryMb or cpuMs)');
    }
    return out;
  }
}
