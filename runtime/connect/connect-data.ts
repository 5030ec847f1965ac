// Kafka Connect's data as the host carries it between converters and
// connector plugins: a small typed value (the WIT `connect-value`), absent
// for null.
//
// Owns: the value shape and Java's printing of numbers (Double.toString),
// which both the JSON and the string converter need.
// Must never: convert to or from bytes (converters do).

import type { ConnectValue } from '../plugin/host/wit/interfaces/eddy-plugin-connect-types.js';

export type { ConnectValue };

/** Java's `Double.toString`: `1.0`, `0.001`, `1.0E7`, `1.234E-5`, `NaN`, `Infinity`. */
export function javaDoubleToString(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

/** A value as Java's `String.valueOf(value)` prints it (what StringConverter and FileStreamSink write). */
export function connectValueToString(value: ConnectValue): string {
  switch (value.tag) {
    case 'text':
    case 'json':
      return value.val;
    case 'int64':
      return value.val.toString();
    case 'float64':
      return javaDoubleToString(value.val);
    case 'boolean':
      return value.val ? 'true' : 'false';
    case 'bytes':
      return Buffer.from(value.val).toString('latin1');
  }
}
