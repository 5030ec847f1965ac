// The configuration definitions of the converters Eddy ships, as Kafka 4.4's
// classes declare them (`Converter.config()`, `HeaderConverter.config()`:
// JsonConverterConfig, StringConverterConfig, ConverterConfig), and Kafka's
// validation of a connector's own converter keys (AbstractHerder
// .validateConverterConfig): when a connector's configuration names a
// `key.converter`, `value.converter` or `header.converter`, the validate
// endpoint also lists that converter's keys under the prefix, each parsed
// by its type from the connector's `<prefix>.*` keys, with `converter.type`
// set to the converter's use.
//
// Owns: those definitions (the data of Kafka's ConfigDefs, checked against
// Kafka's answers by test/connect/rest-api.test.ts; JsonConverter's own keys
// are converter.ts' declaration, which also reads them) and that validation.
// Must never: read a converter's keys for use (converter.ts does).

import type { ConfigKey as PluginConfigKey } from '../plugin/plugin-connector.ts';
import { declaredKey, pluginConfigKey, pluginKey, validateKey, type ConfigInfos, type DefinedKey } from './config-infos.ts';
import { dataEquals } from './connect-data.ts';
import { converterAliases, jsonConverterConfigKeys } from './converter.ts';
import { javaHashMapOrder } from './java-hash-map.ts';

type Key = PluginConfigKey & { validate?: (value: unknown) => string | undefined };

function key(name: string, type: PluginConfigKey['type'], defaultValue: string | null | undefined, importance: PluginConfigKey['importance'], documentation: string, place?: { group: string; order: number; display: string }, validate?: Key['validate']): Key {
  return { ...pluginConfigKey(name, type, defaultValue, importance, documentation, place), ...(validate ? { validate } : {}) };
}

const oneOf = (choices: string[], ignoreCase: boolean) => (value: unknown): string | undefined => {
  const text = String(value);
  const known = ignoreCase ? choices.some((choice) => choice.toUpperCase() === text.toUpperCase()) : choices.includes(text);
  return known ? undefined : `String must be one of${ignoreCase ? ' (case insensitive)' : ''}: ${choices.join(', ')}`;
};

function defined(entry: Key): DefinedKey {
  return { ...pluginKey(entry), ...(entry.validate ? { validate: entry.validate } : {}) };
}

/** ConverterConfig's `converter.type`. */
const converterType = defined(key('converter.type', 'string', undefined, 'low', 'How this converter will be used.', undefined, oneOf(['key', 'value', 'header'], false)));

const converterConfigDefs: ReadonlyMap<string, readonly DefinedKey[]> = new Map([
  // JsonConverterConfig: declared once, in converter.ts, which reads the same keys from files.
  ['org.apache.kafka.connect.json.JsonConverter', [converterType, ...jsonConverterConfigKeys.map((entry) => declaredKey(entry))]],
  ['org.apache.kafka.connect.storage.StringConverter', [
    converterType,
    defined({ ...key('converter.encoding', 'string', 'UTF-8', 'high', 'The name of the Java character set to use for encoding strings as byte arrays.'), width: 'medium', displayName: 'Encoding' }),
  ]],
  ['org.apache.kafka.connect.converters.ByteArrayConverter', [converterType]],
  // NumberConverterConfig and BooleanConverterConfig: ConverterConfig's key alone.
  ...['Boolean', 'Double', 'Float', 'Integer', 'Long', 'Short'].map((type): [string, readonly DefinedKey[]] => [`org.apache.kafka.connect.converters.${type}Converter`, [converterType]]),
  ['org.apache.kafka.connect.storage.SimpleHeaderConverter', []],
]);

/** The keys converter class `className` declares (GET /connector-plugins/{converter}/config); undefined for a class Eddy does not ship. */
export function converterConfigDef(className: string): readonly DefinedKey[] | undefined {
  return converterConfigDefs.get(className);
}

/**
 * The converters a connector's configuration names itself, validated as
 * Kafka's validateConverterConfig does (header, key, then value converter):
 * each converter's keys, parsed from the connector's `<prefix>.*` keys with
 * `converter.type` defaulting to the converter's use, listed under the
 * prefix in Java's HashMap order of their names (ConfigDef.validate's);
 * one error counted per key with errors (Kafka's prefixedConfigInfos). `usable` says whether the connector's
 * converter key itself is valid (Kafka skips a converter whose class failed).
 */
export function validateConnectorConverters(config: Readonly<Record<string, string>>, usable: (property: string) => boolean): ConfigInfos {
  const result: ConfigInfos = { name: '', error_count: 0, groups: [], configs: [] };
  for (const [property, use] of [['header.converter', 'header'], ['key.converter', 'key'], ['value.converter', 'value']] as const) {
    const className = config[property]?.trim();
    if (className === undefined || !usable(property)) continue;
    // (A class may be named by its Kafka alias: `JsonConverter`, `Json`.)
    const keys = converterConfigDefs.get(converterAliases.get(className) ?? className);
    if (keys === undefined) continue;
    const prefix = `${property}.`;
    const own: Record<string, string> = {};
    for (const [name, value] of Object.entries(config)) if (name.startsWith(prefix)) own[name.slice(prefix.length)] = value;
    own['converter.type'] ??= use;
    // ConfigDef.validate lists the values of a HashMap filled in definition order: Java's hash order of the key names.
    const ordered = javaHashMapOrder(keys.map((entry) => [{ type: 'string', value: entry.info.name }, entry] as const), dataEquals).map(([, entry]) => entry);
    for (const definition of ordered) {
      const value = validateKey(definition, own);
      const group = definition.info.group;
      if (group !== null && !result.groups.includes(group)) result.groups.push(group);
      if (value.errors.length > 0) result.error_count++;
      result.configs.push({
        definition: { ...definition.info, name: `${prefix}${definition.info.name}` },
        value: { ...value, name: `${prefix}${value.name}` },
      });
    }
  }
  return result;
}
