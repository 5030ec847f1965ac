// Kafka Connect's ByteArrayConverter: bytes through unchanged.
//
// Owns: passing `bytes` values through and refusing any other kind, as
// Kafka's (a DataException there).
// Must never: copy the bytes.

import { ConnectorError } from '../errors.ts';
import type { ConnectValue } from './connect-data.ts';
import type { Converter } from './converter.ts';

export class ByteArrayConverter implements Converter {
  fromConnectData(topic: string, value: ConnectValue | undefined): Uint8Array | undefined {
    if (value === undefined) return undefined;
    if (value.tag !== 'bytes') throw new ConnectorError(`ByteArrayConverter is not compatible with objects of type ${value.tag}`, { topic });
    return value.val;
  }

  toConnectData(_topic: string, bytes: Uint8Array | undefined): ConnectValue | undefined {
    return bytes === undefined ? undefined : { tag: 'bytes', val: bytes };
  }
}
