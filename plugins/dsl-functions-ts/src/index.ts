// DSL functions in TypeScript, one file: the same behaviour as the functions
// of the same names in plugins/dsl-functions-rust (test/dsl/functions-ts.test.ts
// runs both through the same DSL topology and compares the output).

import { bytes, text } from '@eddy/sdk';
import { defineFunctions, flatValueMapper, keySelector, predicate, reducer, valueJoiner, valueMapper, type Bytes } from '@eddy/sdk/functions';

const orNull = (value: Bytes): string => (value === undefined ? 'null' : text(value));

/** Java's `s.toLowerCase(Locale.ROOT).split("\\W+")`: ASCII word characters; a leading separator gives a leading empty word. */
function javaSplitWords(line: string): string[] {
  const lower = line.toLowerCase();
  if (lower === '') return [''];
  const parts = lower.split(/[^a-zA-Z0-9_]+/);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export const dslFunctions = defineFunctions(() => ({
  'split-words': flatValueMapper((_key, value) => (value === undefined ? [] : javaSplitWords(text(value)).map(bytes))),
  'value-as-key': keySelector((_key, value) => value),
  'has-a': predicate((_key, value) => value !== undefined && text(value).includes('a')),
  uppercase: valueMapper((_key, value) => (value === undefined ? undefined : bytes(text(value).toUpperCase()))),
  concat: reducer((aggregate, value) => bytes(`${orNull(aggregate)},${orNull(value)}`)),
  'join-values': valueJoiner((_key, left, right) => bytes(`${orNull(left)}+${orNull(right)}`)),
}));
