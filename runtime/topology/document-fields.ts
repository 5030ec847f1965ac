// Reading the fields of a topology document (pipeline and DSL files, the
// topology section of an application file).
//
// Owns: the typed field readers and their errors — every error names the
// file and the field path. Must never: build anything.

import { ConfigError } from '../errors.ts';
import type { PluginLimits } from '../plugin/component.ts';
import type { StoreSpec } from '../state/store-spec.ts';
import type { Serde } from '../serde/serdes.ts';
import type { DeserializationHandler } from '../dsl/step-serdes.ts';

/** A Streams setting of the application file, with where it was set (for conflicts with the `dsl:` section). */
export interface StreamsSetting<T> {
  value: T;
  file: string;
  field: string;
}

/** The application file's Streams settings a DSL topology uses (Kafka Streams' StreamsConfig); the `dsl:` section may set them too. */
export interface ApplicationStreamsSettings {
  defaultKeySerde?: StreamsSetting<Serde<unknown>>;
  defaultValueSerde?: StreamsSetting<Serde<unknown>>;
  deserializationExceptionHandler?: StreamsSetting<DeserializationHandler>;
}

export interface DocumentOrigin {
  /** For messages. */
  file: string;
  /** Plugin paths are relative to this directory. */
  baseDirectory: string;
  /** Prefix of field paths, e.g. `topology`. */
  fieldPrefix?: string;
  overrides?: ReadonlyMap<string, Array<[string, string]>>;
  /** Prefixes internal topics of a DSL topology (Kafka Streams' application.id). */
  applicationId?: string;
  /** The application file's default serdes and deserialization exception handler (a DSL topology's defaults). */
  streams?: ApplicationStreamsSettings;
}

export class FieldReader {
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
