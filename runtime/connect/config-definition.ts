// Declared configuration schemas (Kafka's ConfigDef): one definition per key
// with its type, default, validator and documentation, parsed out of a
// properties file (or a plain map) into typed values.
//
// Owns: the types Kafka Connect's files use (string, int, long, boolean,
// list, class), required keys, defaults, validation with stable error codes
// (`missing-key`, `invalid-value`) whose messages name the key — and its
// line, when it came from a properties file. Unknown keys are left alone (as
// Kafka's), for whoever reads them next.
// Must never: know which keys a worker or connector has (their modules
// declare them).

import { ConnectConfigError, type ErrorContext } from '../errors.ts';
import type { PropertiesFile } from './properties-file.ts';

export type ConfigType = 'string' | 'int' | 'long' | 'boolean' | 'list' | 'class';

interface TypeOf {
  string: string;
  int: number;
  long: number;
  boolean: boolean;
  list: string[];
  class: string;
}

/** Kafka's ConfigDef type names, as Kafka Connect's REST API shows them. */
export type KafkaConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';

/**
 * How Kafka's ConfigDef presents a key (importance, group, order in group,
 * width, display name), for the definitions Kafka Connect's REST API lists.
 */
export interface KeyPresentation {
  /** Kafka's type when it is not `type`'s (Kafka's connector.class is a STRING, a replication factor a SHORT). */
  kafkaType?: KafkaConfigType;
  importance?: 'HIGH' | 'MEDIUM' | 'LOW';
  group?: string;
  orderInGroup?: number;
  width?: 'NONE' | 'SHORT' | 'MEDIUM' | 'LONG';
  displayName?: string;
}

export interface ConfigKey<T extends ConfigType = ConfigType, Optional extends boolean = boolean, Name extends string = string> extends KeyPresentation {
  name: Name;
  type: T;
  /** Absent: the key is required. `null`: optional without a value. */
  default?: TypeOf[T] | null;
  /** Returns a message when the value is refused. */
  validate?(value: TypeOf[T]): string | undefined;
  documentation: string;
  /** Type-level only: whether the parsed value may be undefined. */
  readonly optional?: Optional;
}

type KeyInput<T extends ConfigType, Name extends string> = Omit<ConfigKey<T, boolean, Name>, 'optional'>;

/** Declares a key; `default: null` makes it optional without a value. */
export function key<T extends ConfigType, const Name extends string>(definition: KeyInput<T, Name> & { default: null }): ConfigKey<T, true, Name>;
export function key<T extends ConfigType, const Name extends string>(definition: KeyInput<T, Name>): ConfigKey<T, false, Name>;
export function key(definition: KeyInput<ConfigType, string>): ConfigKey {
  return definition;
}

type Values<Keys extends readonly ConfigKey[]> = {
  [K in Keys[number] as K['name']]: K extends ConfigKey<infer T, infer Optional, string> ? (Optional extends true ? TypeOf[T] | undefined : TypeOf[T]) : never;
};

/** A configuration source: a parsed properties file, or plain values (JSON configs, REST bodies). */
export type ConfigSource = PropertiesFile | { file?: string; values: ReadonlyMap<string, string> };

function lookup(source: ConfigSource, name: string): { value: string; line?: number } | undefined {
  if ('entries' in source) return source.entries.get(name);
  const value = source.values.get(name);
  return value === undefined ? undefined : { value };
}

export class ConfigDefinition<const Keys extends readonly ConfigKey[]> {
  constructor(
    /** What the keys configure, for messages ("worker", "connector"). */
    readonly subject: string,
    readonly keys: Keys,
  ) {}

  /**
   * Every declared key that is missing or refused, in declaration order, with
   * Kafka's wording (what Kafka Connect's REST API lists when it refuses a
   * configuration); empty when `parse` would succeed for the declared keys.
   */
  problems(source: ConfigSource): Array<{ key: string; message: string }> {
    const out: Array<{ key: string; message: string }> = [];
    for (const definition of this.keys) {
      const found = lookup(source, definition.name);
      if (found === undefined) {
        if (!('default' in definition)) out.push({ key: definition.name, message: `Missing required configuration "${definition.name}" which has no default value.` });
        continue;
      }
      try {
        const value = convert(definition, found.value, {});
        const problem = definition.validate?.(value as never);
        if (problem !== undefined) out.push({ key: definition.name, message: `Invalid value ${found.value} for configuration ${definition.name}: ${problem}` });
      } catch (error) {
        if (!(error instanceof ConnectConfigError)) throw error;
        out.push({ key: definition.name, message: error.detail.replace(/ \([\w-]+\)$/, '') });
      }
    }
    return out;
  }

  /** The typed values of the declared keys; throws ConnectConfigError naming the first bad key. */
  parse(source: ConfigSource): Values<Keys> {
    const out: Record<string, unknown> = {};
    for (const definition of this.keys) {
      const found = lookup(source, definition.name);
      const where: ErrorContext = { file: source.file, line: found?.line, field: definition.name };
      if (found === undefined) {
        if (!('default' in definition)) {
          throw new ConnectConfigError('missing-key', `Missing required configuration "${definition.name}" which has no default value (${this.subject}: ${definition.documentation})`, where);
        }
        out[definition.name] = definition.default ?? undefined;
        continue;
      }
      const value = convert(definition, found.value, where);
      const problem = definition.validate?.(value as never);
      if (problem !== undefined) {
        throw new ConnectConfigError('invalid-value', `Invalid value ${found.value} for configuration ${definition.name}: ${problem}`, where);
      }
      out[definition.name] = value;
    }
    return out as Values<Keys>;
  }
}

const kafkaTypes: Record<ConfigType, KafkaConfigType> = { string: 'STRING', int: 'INT', long: 'LONG', boolean: 'BOOLEAN', list: 'LIST', class: 'CLASS' };

/** Kafka's type of a declared key. */
export function kafkaTypeOf(definition: ConfigKey): KafkaConfigType {
  return definition.kafkaType ?? kafkaTypes[definition.type];
}

/** A value that does not parse as its type; the message is Kafka's reason ("Not a number of type INT"). */
export class ValueParseError extends Error {}

/**
 * A value parsed as Kafka's ConfigDef.parseType does (strings trimmed, lists
 * split at commas); throws ValueParseError with Kafka's reason.
 */
export function parseValue(type: KafkaConfigType, raw: string): unknown {
  const text = raw.trim();
  const whole = (bits: number, name: string): number => {
    if (!/^[+-]?\d+$/.test(text)) throw new ValueParseError(`Not a number of type ${name}`);
    const value = Number(text);
    if (value >= 2 ** (bits - 1) || value < -(2 ** (bits - 1))) throw new ValueParseError(`Not a number of type ${name}`);
    return value;
  };
  switch (type) {
    case 'BOOLEAN':
      if (text.toLowerCase() === 'true') return true;
      if (text.toLowerCase() === 'false') return false;
      throw new ValueParseError('Expected value to be either true or false');
    case 'INT':
      return whole(32, 'INT');
    case 'SHORT':
      return whole(16, 'SHORT');
    case 'LONG':
      return whole(64, 'LONG');
    case 'DOUBLE':
      if (text === '' || Number.isNaN(Number(text))) throw new ValueParseError('Not a number of type DOUBLE');
      return Number(text);
    case 'LIST':
      return text === '' ? [] : text.split(/\s*,\s*/);
    case 'PASSWORD':
      return raw;
    case 'STRING':
    case 'CLASS':
      return text;
  }
}

function convert(definition: ConfigKey, raw: string, where: ErrorContext): unknown {
  const refuse = (expected: string): never => {
    throw new ConnectConfigError('invalid-value', `Invalid value ${raw} for configuration ${definition.name}: ${expected}`, where);
  };
  if (definition.type === 'class' && raw.trim() === '') refuse('Expected a class name (or a plugin reference), got an empty value');
  try {
    return parseValue(kafkaTypeOf(definition), raw);
  } catch (error) {
    if (error instanceof ValueParseError) return refuse(error.message);
    throw error;
  }
}

export const atLeast = (minimum: number) => (value: number): string | undefined =>
  value < minimum ? `Value must be at least ${minimum}` : undefined;

export const nonEmpty = (value: string): string | undefined => (value === '' ? 'String must be non-empty' : undefined);
/** Kafka's CaseInsensitiveValidString: one of `options`, in any case; the message lists them as given. */
export const oneOfIgnoringCase = (...options: string[]) => (value: string): string | undefined =>
  options.some((option) => option.toLowerCase() === value.toLowerCase()) ? undefined : `String must be one of (case insensitive): ${options.join(', ')}`;
