// Java `.properties` files as Kafka reads them (java.util.Properties.load):
// the format of Kafka Connect's worker and connector files.
//
// Owns: splitting natural lines (`\n`, `\r\n`, `\r`), comments (`#`, `!`),
// blank lines, line continuations (an odd number of trailing `\`), the
// separators (`=`, `:` or whitespace), escapes (`\t \n \r \f \uXXXX`, any
// other `\x` is `x`), and remembering the line each key was written on, so
// later errors can name it. The last occurrence of a key wins.
// Must never: interpret a value (schemas do that), or accept a malformed
// `\uXXXX` silently (Java refuses it too).
//
// One difference from Java: Properties.load(InputStream) reads ISO-8859-1;
// a file that is valid UTF-8 is read as UTF-8 here (non-ASCII paths and
// values mean what the author typed), anything else as ISO-8859-1.

import { readFileSync } from 'node:fs';
import { ConnectConfigError, messageOf } from '../errors.ts';

export interface PropertyValue {
  value: string;
  /** The 1-based line the key starts on. */
  line: number;
}

/** A parsed properties file: keys in the order first written, each with its value and line. */
export interface PropertiesFile {
  file: string;
  entries: Map<string, PropertyValue>;
}

export function readPropertiesFile(file: string): PropertiesFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new ConnectConfigError('file-unreadable', `cannot read the properties file: ${messageOf(error)}`, { file }, { cause: error });
  }
  return parseProperties(decode(bytes), file);
}

function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return bytes.toString('latin1');
  }
}

const whitespace = new Set([' ', '\t', '\f']);

export function parseProperties(text: string, file = '(properties)'): PropertiesFile {
  const entries = new Map<string, PropertyValue>();
  const lines = text.split(/\r\n|\r|\n/);
  let index = 0;
  while (index < lines.length) {
    const startLine = index + 1;
    let line = stripLeading(lines[index++]!);
    if (line === '' || line[0] === '#' || line[0] === '!') continue;
    // Join continuation lines: an odd number of trailing backslashes.
    let logical = '';
    for (;;) {
      if (trailingBackslashes(line) % 2 === 1) {
        logical += line.slice(0, -1);
        if (index >= lines.length) break;
        line = stripLeading(lines[index++]!);
        continue;
      }
      logical += line;
      break;
    }
    const { key, valueStart } = splitKey(logical);
    const where = { file, line: startLine };
    entries.set(unescape(key, where), { value: unescape(logical.slice(valueStart), where), line: startLine });
  }
  return { file, entries };
}

function stripLeading(line: string): string {
  let i = 0;
  while (i < line.length && whitespace.has(line[i]!)) i++;
  return line.slice(i);
}

function trailingBackslashes(line: string): number {
  let count = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) count++;
  return count;
}

/** The raw key (escapes still in) and where the value starts, as Properties.load. */
function splitKey(line: string): { key: string; valueStart: number } {
  let keyEnd = line.length;
  let separator = false;
  let escaped = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (escaped) {
      escaped = false;
      continue;
    }
    if (c === '\\') {
      escaped = true;
      continue;
    }
    if (c === '=' || c === ':') {
      keyEnd = i;
      separator = true;
      break;
    }
    if (whitespace.has(c)) {
      keyEnd = i;
      break;
    }
  }
  let valueStart = keyEnd + (separator ? 1 : 0);
  while (valueStart < line.length && whitespace.has(line[valueStart]!)) valueStart++;
  if (!separator && valueStart < line.length && (line[valueStart] === '=' || line[valueStart] === ':')) {
    valueStart++;
    while (valueStart < line.length && whitespace.has(line[valueStart]!)) valueStart++;
  }
  return { key: line.slice(0, keyEnd), valueStart };
}

function unescape(text: string, where: { file: string; line: number }): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i === text.length - 1) {
      if (c !== '\\') out += c;
      continue;
    }
    const next = text[++i]!;
    switch (next) {
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        const hex = text.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          throw new ConnectConfigError('properties-malformed-escape', `malformed \\uxxxx encoding: '\\u${hex}'`, where);
        }
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
        break;
      }
      default: out += next;
    }
  }
  return out;
}

/** The entries as a plain map (value strings only), in order. */
export function propertiesToMap(properties: PropertiesFile): Map<string, string> {
  return new Map([...properties.entries].map(([key, entry]) => [key, entry.value]));
}
