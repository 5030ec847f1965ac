// Converters (Kafka Connect's `Converter`): Connect data ⇄ the bytes of a
// Kafka record's key or value, chosen per worker and overridable per
// connector by class name.
//
// Owns: the Converter interface, the converter classes Eddy knows (by
// Kafka's class names and their simple-name aliases), and reading a
// converter's settings from a configuration: `<prefix>`, and JsonConverter's
// `<prefix>.schemas.enable`, `.replace.null.with.default` and
// `.decimal.format`, declared as Kafka's JsonConverterConfig declares them.
// Must never: know about tasks or Kafka clients.

import { ConnectConfigError } from '../errors.ts';
import { ConfigDefinition, key, oneOfIgnoringCase, type ConfigSource } from './config-definition.ts';
import type { SchemaAndValue } from './connect-data.ts';
import { ByteArrayConverter } from './byte-array-converter.ts';
import { JsonConverter } from './json-converter.ts';
import { StringConverter } from './string-converter.ts';
import { BooleanConverter, NumberConverter, numberConverterClasses } from './number-converters.ts';
import { ConverterHeaderConverter, SimpleHeaderConverter, type HeaderConverter } from './header-converter.ts';

export interface Converter {
  /** Connect data → bytes for Kafka (`undefined`: a null key or value). */
  fromConnectData(topic: string, data: SchemaAndValue): Uint8Array | undefined;
  /** Bytes from Kafka → Connect data (a null key or value: value `null`). */
  toConnectData(topic: string, bytes: Uint8Array | undefined): SchemaAndValue;
}

export interface ConverterSettings {
  /** The canonical Kafka class name. */
  className: string;
  /** `<prefix>.schemas.enable` (JsonConverter; default true, as Kafka's). */
  schemasEnable: boolean;
  /** `<prefix>.replace.null.with.default` (JsonConverter; default true). */
  replaceNullWithDefault?: boolean;
  /** `<prefix>.decimal.format` (JsonConverter; BASE64, the default, or NUMERIC). */
  decimalFormat?: 'BASE64' | 'NUMERIC';
  /** `<prefix>.schema.content` (JsonConverter, Kafka 4.4): the schema every record is read with when schemas are enabled. */
  schemaContent?: string;
  isKey: boolean;
}

/**
 * JsonConverter's own keys, as Kafka 4.4's JsonConverterConfig declares them
 * (definition order, groups, importance, display names, validators) — the
 * one declaration that reads them from worker and connector files (under a
 * converter prefix, below) and that the REST API lists
 * (converter-config-defs.ts, after ConverterConfig's `converter.type`).
 */
export const jsonConverterConfigKeys = [
  key({ name: 'schemas.enable', type: 'boolean', default: true, importance: 'HIGH', group: 'Schemas', orderInGroup: 0, width: 'MEDIUM', displayName: 'Enable Schemas',
    documentation: 'Include schemas within each of the serialized values and keys.' }),
  key({ name: 'schemas.cache.size', type: 'int', default: 1000, importance: 'HIGH', group: 'Schemas', orderInGroup: 1, width: 'MEDIUM', displayName: 'Schema Cache Size',
    documentation: 'The maximum number of schemas that can be cached in this converter instance.' }),
  key({ name: 'schema.content', type: 'string', default: null, importance: 'HIGH', group: 'Schemas', orderInGroup: 2, width: 'MEDIUM', displayName: 'Schema Content',
    documentation: "When set, this is used as the schema for all messages, and the schemas within each of the message will be ignored.Otherwise, the schema will be included in the content of each message. This configuration applies only 'schemas.enable' is true, and it exclusively affects the sink connector." }),
  key({ name: 'decimal.format', type: 'string', default: 'BASE64', importance: 'LOW', group: 'Serialization', orderInGroup: 0, width: 'MEDIUM', displayName: 'Decimal Format', validate: oneOfIgnoringCase('NUMERIC', 'BASE64'),
    documentation: "Controls which format this converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'" }),
  key({ name: 'replace.null.with.default', type: 'boolean', default: true, importance: 'LOW', group: 'Serialization', orderInGroup: 1, width: 'MEDIUM', displayName: 'Replace null with default',
    documentation: 'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.' }),
] as const;

/** JsonConverter's keys under a converter prefix. */
function jsonConverterKeys(prefix: string) {
  return new ConfigDefinition(`${prefix} (JsonConverter)`, jsonConverterConfigKeys.map((entry) => ({ ...entry, name: `${prefix}.${entry.name}` })));
}
const jsonConverterSettings = {
  'key.converter': jsonConverterKeys('key.converter'),
  'value.converter': jsonConverterKeys('value.converter'),
  'header.converter': jsonConverterKeys('header.converter'),
};

const converterClasses: Record<string, (settings: ConverterSettings) => Converter> = {
  'org.apache.kafka.connect.json.JsonConverter': (settings) => new JsonConverter(settings.schemasEnable, settings.replaceNullWithDefault ?? true, settings.decimalFormat ?? 'BASE64', settings.schemaContent),
  'org.apache.kafka.connect.storage.StringConverter': () => new StringConverter(),
  'org.apache.kafka.connect.converters.ByteArrayConverter': () => new ByteArrayConverter(),
  'org.apache.kafka.connect.converters.BooleanConverter': () => new BooleanConverter(),
  ...Object.fromEntries(numberConverterClasses.map((className) => [className, () => new NumberConverter(className)])),
};

/** Kafka's class names of the converters Eddy has. */
export const converterClassNames: readonly string[] = Object.keys(converterClasses);

/** Kafka's default `header.converter`. */
export const simpleHeaderConverterClass = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';

/** Java's Class.getSimpleName of a class name (a nested class's own name: `Cast$Value` → `Value`). */
export const simpleName = (className: string) => className.slice(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);

/**
 * Kafka's aliases of the converters and header converters Eddy has
 * (PluginUtils.computeAliases): each class's simple name and its simple name
 * without its type's suffix (`Json`, `String`, `Simple`), kept only when one
 * class has it. Kafka's plugin class loader resolves them wherever a class
 * is named — a worker file, a connector configuration, the REST API.
 */
export const converterAliases: ReadonlyMap<string, string> = (() => {
  const prune = (className: string, suffix: string) => {
    const simple = simpleName(className);
    const at = simple.lastIndexOf(suffix);
    return at > 0 ? simple.slice(0, at) : simple;
  };
  const candidates = new Map<string, Set<string>>();
  const add = (alias: string, className: string) => candidates.set(alias, (candidates.get(alias) ?? new Set()).add(className));
  for (const className of Object.keys(converterClasses)) {
    add(simpleName(className), className);
    add(prune(className, 'Converter'), className);
  }
  // Every converter Eddy has is a header converter too, and SimpleHeaderConverter is one only.
  for (const className of [...Object.keys(converterClasses), simpleHeaderConverterClass]) {
    add(simpleName(className), className);
    add(prune(className, 'HeaderConverter'), className);
  }
  return new Map([...candidates].flatMap(([alias, classes]) => (classes.size === 1 ? [[alias, [...classes][0]!] as const] : [])));
})();

/** Kafka's full class name of a converter for its name or alias; undefined when Eddy has no such converter. */
export function converterClassName(name: string): string | undefined {
  if (name in converterClasses) return name;
  const className = converterAliases.get(name);
  return className !== undefined && className in converterClasses ? className : undefined;
}

export function converterSettings(source: ConfigSource, prefix: 'key.converter' | 'value.converter' | 'header.converter', className: string, isKey: boolean): ConverterSettings {
  const get = (name: string) => ('entries' in source ? source.entries.get(name) : (() => {
    const value = source.values.get(name);
    return value === undefined ? undefined : { value, line: undefined };
  })());
  const classEntry = get(prefix);
  // A header converter is SimpleHeaderConverter (Kafka's default) or one of the converters, which are header converters too.
  if (prefix === 'header.converter' && (className === simpleHeaderConverterClass || converterAliases.get(className) === simpleHeaderConverterClass)) return { className: simpleHeaderConverterClass, schemasEnable: true, isKey };
  const canonical = converterClassName(className);
  if (canonical === undefined) {
    const known = [...Object.keys(converterClasses), ...(prefix === 'header.converter' ? [simpleHeaderConverterClass] : [])];
    throw new ConnectConfigError('unknown-converter', `Invalid value ${className} for configuration ${prefix}: Class ${className} could not be found (Eddy has: ${known.join(', ')})`, {
      file: source.file, line: classEntry?.line, field: prefix,
    });
  }
  // Only JsonConverter reads these keys (as in Kafka, another converter ignores them).
  if (canonical !== 'org.apache.kafka.connect.json.JsonConverter') return { className: canonical, schemasEnable: true, isKey };
  const values = jsonConverterSettings[prefix].parse(source) as Record<string, unknown>;
  const decimalFormat = (values[`${prefix}.decimal.format`] as string).toUpperCase() === 'NUMERIC' ? 'NUMERIC' : 'BASE64';
  const schemaContent = (values[`${prefix}.schema.content`] as string | null) ?? undefined;
  const settings: ConverterSettings = {
    className: canonical,
    schemasEnable: values[`${prefix}.schemas.enable`] as boolean,
    replaceNullWithDefault: values[`${prefix}.replace.null.with.default`] as boolean,
    decimalFormat,
    ...(schemaContent === undefined ? {} : { schemaContent }),
    isKey,
  };
  // A schema.content Kafka's JsonConverter would refuse in configure is refused here, naming the key and its line.
  if (schemaContent !== undefined) {
    try {
      createConverter(settings);
    } catch (error) {
      const entry = get(`${prefix}.schema.content`);
      throw new ConnectConfigError('invalid-value', `Invalid value ${schemaContent} for configuration ${prefix}.schema.content: ${(error as Error).message}`, { file: source.file, line: entry?.line, field: `${prefix}.schema.content` }, { cause: error });
    }
  }
  return settings;
}

export function createConverter(settings: ConverterSettings): Converter {
  return converterClasses[settings.className]!(settings);
}

/** The header converter `settings` name: SimpleHeaderConverter, or a converter used for each header's value (Kafka's Converter-as-HeaderConverter). */
export function createHeaderConverter(settings: ConverterSettings | undefined): HeaderConverter {
  if (settings === undefined || settings.className === simpleHeaderConverterClass) return new SimpleHeaderConverter();
  return new ConverterHeaderConverter(createConverter(settings));
}
