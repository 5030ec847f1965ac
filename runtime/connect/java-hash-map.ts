// Java 17's `HashMap` iteration order, for the maps Kafka's Connect code
// builds with `new HashMap<>()` (JsonConverter reading a JSON object): the
// order JsonConverter later writes them in, and so the bytes.
//
// Owns: `hashCode` of the classes Connect uses as map keys and the order a
// HashMap filled by successive puts iterates in (bucket by bucket of the
// final table, each bucket in insertion order).
// Must never: reorder anything Java would not.

import type { ConnectData } from './connect-data.ts';

/** `String.hashCode()` over UTF-16 code units. */
export function javaStringHash(text: string): number {
  let hash = 0;
  for (let index = 0; index < text.length; index++) hash = (Math.imul(hash, 31) + text.charCodeAt(index)) | 0;
  return hash;
}

const scratch = new DataView(new ArrayBuffer(8));

/** `Objects.hashCode(value)`; 0 for classes whose hash is an identity (byte arrays) or rare as keys. */
export function javaHashCode(value: ConnectData | null): number {
  if (value === null) return 0;
  switch (value.type) {
    case 'string': return javaStringHash(value.value);
    case 'int8': case 'int16': case 'int32': return value.value | 0;
    case 'int64': case 'date': return Number(BigInt.asIntN(32, value.value ^ (BigInt.asUintN(64, value.value) >> 32n)));
    case 'boolean': return value.value ? 1231 : 1237;
    case 'float32':
      scratch.setFloat32(0, Number.isNaN(value.value) ? NaN : value.value);
      return Number.isNaN(value.value) ? 0x7fc00000 : scratch.getInt32(0);
    case 'float64': {
      scratch.setFloat64(0, value.value);
      const bits = Number.isNaN(value.value) ? 0x7ff8000000000000n : scratch.getBigUint64(0);
      return Number(BigInt.asIntN(32, bits ^ (bits >> 32n)));
    }
    case 'array': return value.value.reduce<number>((hash, item) => (Math.imul(hash, 31) + javaHashCode(item)) | 0, 1);
    case 'map': return value.value.reduce<number>((hash, [k, v]) => (hash + (javaHashCode(k) ^ javaHashCode(v))) | 0, 0);
    default: return 0;
  }
}

/**
 * The entries of `new HashMap<>()` after `put`s of `entries` in order (a
 * repeated key keeps its first place and takes the last value), in Java's
 * iteration order.
 */
export function javaHashMapOrder<V>(entries: ReadonlyArray<readonly [ConnectData | null, V]>, equals: (a: ConnectData | null, b: ConnectData | null) => boolean): Array<[ConnectData | null, V]> {
  const kept: Array<{ key: ConnectData | null; value: V; hash: number }> = [];
  let capacity = 16;
  let threshold = 12;
  for (const [key, value] of entries) {
    const existing = kept.find((entry) => equals(entry.key, key));
    if (existing) {
      existing.value = value;
      continue;
    }
    const raw = javaHashCode(key);
    const hash = (raw ^ (raw >>> 16)) >>> 0;
    const inBin = kept.filter((entry) => ((entry.hash ^ hash) & (capacity - 1)) === 0).length;
    kept.push({ key, value, hash });
    // A ninth node in one bin (treeifyBin) grows a table smaller than 64 instead.
    if (inBin >= 8 && capacity < 64) {
      capacity *= 2;
      threshold *= 2;
    }
    if (kept.length > threshold) {
      capacity *= 2;
      threshold *= 2;
    }
  }
  const indexed = kept.map((entry, index) => ({ ...entry, index }));
  indexed.sort((a, b) => (a.hash & (capacity - 1)) - (b.hash & (capacity - 1)) || a.index - b.index);
  return indexed.map((entry) => [entry.key, entry.value]);
}
