// Kafka Connect's StringConverter: a value's `toString()` as UTF-8, and
// bytes back as a string.
//
// Owns: those two directions, null kept null.
// Must never: look at schemas (StringConverter has none).

import { connectValueToString, type ConnectValue } from './connect-data.ts';
import type { Converter } from './converter.ts';

export class StringConverter implements Converter {
  fromConnectData(_topic: string, value: ConnectValue | undefined): Uint8Array | undefined {
    if (value === undefined) return undefined;
    if (value.tag === 'bytes') return value.val;
    return Buffer.from(connectValueToString(value), 'utf8');
  }

  toConnectData(_topic: string, bytes: Uint8Array | undefined): ConnectValue | undefined {
    return bytes === undefined ? undefined : { tag: 'text', val: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') };
  }
}
