// Host side of `wasi:random/random`, `wasi:random/insecure` and
// `wasi:random/insecure-seed`.
//
// Owns: randomness for guests — real, from the host's CSPRNG
// (`crypto.randomFillSync`), for all three interfaces (the insecure ones are
// allowed to be better than asked). Not seedable yet: a seed under the test
// driver needs the driver and task to hand one down (a follow-up).
// Must never: hand out more than `maxRandomBytes` in one call (a guest could
// otherwise make the host allocate without bound, outside its memory cap).

import { randomFillSync } from 'node:crypto';
import type * as Insecure from '@bytecodealliance/preview2-shim/interfaces/wasi-random-insecure';
import type * as InsecureSeed from '@bytecodealliance/preview2-shim/interfaces/wasi-random-insecure-seed';
import type * as Random from '@bytecodealliance/preview2-shim/interfaces/wasi-random-random';

export const maxRandomBytes = 1 << 20;

function randomBytes(length: bigint): Uint8Array {
  if (length > BigInt(maxRandomBytes)) {
    throw new RangeError(`wasi:random: the plugin asked for ${length} random bytes in one call; the host gives at most ${maxRandomBytes}`);
  }
  return randomFillSync(new Uint8Array(Number(length)));
}

const word = new BigUint64Array(2);

function randomU64(): bigint {
  randomFillSync(word, 0, 1);
  return word[0]!;
}

export const randomImports: typeof Random = { getRandomBytes: randomBytes, getRandomU64: randomU64 };

export const insecureRandomImports: typeof Insecure = { getInsecureRandomBytes: randomBytes, getInsecureRandomU64: randomU64 };

export const insecureSeedImports: typeof InsecureSeed = {
  insecureSeed: () => {
    randomFillSync(word);
    return [word[0]!, word[1]!];
  },
};
