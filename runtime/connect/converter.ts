// Converters (Kafka Connect's `Converter`): Connect data ⇄ the bytes of a
// Kafka record's key or value, chosen per worker and overridable per
// connector by class name.
//
// Owns: the Converter interface, the converter classes Eddy knows (by
// Kafka's class names and their simple-name aliases), and reading a
// converter's settings from a configuration (`<prefix>` and
// `<prefix>.schemas.enable`).
// Must never: know about tasks or Kafka clients.

import { ConnectConfigError } from '../errors.ts';
import type { ConfigSource } from './config-definition.ts';
import type { SchemaAndValue } from './connect-data.ts';
import { ByteArrayConverter } from './byte-array-converter.ts';
import { JsonConverter } from './json-converter.ts';
import { StringConverter } from './string-converter.ts';

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
  isKey: boolean;
}

const converterClasses: Record<string, (settings: ConverterSettings) => Converter> = {
  'org.apache.kafka.connect.json.JsonConverter': (settings) => new JsonConverter(settings.schemasEnable),
  'org.apache.kafka.connect.storage.StringConverter': () => new StringConverter(),
  'org.apache.kafka.connect.converters.ByteArrayConverter': () => new ByteArrayConverter(),
};

/** Kafka's full class name for a name or simple-name alias; undefined when Eddy has no such converter. */
export function converterClassName(name: string): string | undefined {
  if (name in converterClasses) return name;
  return Object.keys(converterClasses).find((className) => className.endsWith(`.${name}`));
}

export function converterSettings(source: ConfigSource, prefix: 'key.converter' | 'value.converter', className: string, isKey: boolean): ConverterSettings {
  const get = (name: string) => ('entries' in source ? source.entries.get(name) : (() => {
    const value = source.values.get(name);
    return value === undefined ? undefined : { value, line: undefined };
  })());
  const classEntry = get(prefix);
  const canonical = converterClassName(className);
  if (canonical === undefined) {
    throw new ConnectConfigError('unknown-converter', `Invalid value ${className} for configuration ${prefix}: Class ${className} could not be found (Eddy has: ${Object.keys(converterClasses).join(', ')})`, {
      file: source.file, line: classEntry?.line, field: prefix,
    });
  }
  const schemas = get(`${prefix}.schemas.enable`);
  let schemasEnable = true;
  if (schemas !== undefined) {
    const text = schemas.value.trim().toLowerCase();
    if (text !== 'true' && text !== 'false') {
      throw new ConnectConfigError('invalid-value', `Invalid value ${schemas.value} for configuration ${prefix}.schemas.enable: Expected value to be either true or false`, {
        file: source.file, line: schemas.line, field: `${prefix}.schemas.enable`,
      });
    }
    schemasEnable = text === 'true';
  }
  return { className: canonical, schemasEnable, isKey };
}

export function createConverter(settings: ConverterSettings): Converter {
  return converterClasses[settings.className]!(settings);
}
