// Input records the DSL tests share: seeded random streams (several keys,
// null keys and values, out-of-order, late and equal timestamps) and edge lines.

export interface InputRecord {
  topic: string;
  key: string | null;
  value: string | null;
  timestamp: number;
}

/** Lines where word splitting is easy to get wrong. */
export function edgeLines(topic: string): InputRecord[] {
  const lines = ['', ' ', ', ,', ' leading', 'trailing ', 'Café naïve façade', '東京 タワー', 'emoji 🎉 party🎉', 'ΟΔΟΣ ΣΑΣ', 'snake_case and-dash', 'MiXeD CaSe mixed'];
  return lines.map((value, index) => ({ topic, key: `k${index}`, value, timestamp: 1_000 + index }));
}

/** Mulberry32: a small seeded generator, so a failing scenario can be replayed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = ['alpha', 'beta', 'gamma', 'kafka', 'eddy', 'stream', 'table', 'Café', 'naïve', 'a', ''];
const keys = ['k1', 'k2', 'k3', 'apple', 'banana'];

/** Records with keys (some null), sentences (some null), timestamps that mostly rise, sometimes fall back past a grace period, sometimes repeat. */
export function generate(seed: number, topic: string, count: number, options: { nullKeys?: boolean; nullValues?: boolean; start?: number } = {}): InputRecord[] {
  // EDDY_DSL_SEED_OFFSET runs every scenario on other random inputs
  // (scripts/dsl-seeds.sh): the suite pins offset 0.
  const next = random(seed + Number(process.env.EDDY_DSL_SEED_OFFSET ?? 0));
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]!;
  const out: InputRecord[] = [];
  let time = options.start ?? 1_000;
  for (let index = 0; index < count; index++) {
    const roll = next();
    if (roll < 0.1) time -= Math.floor(next() * 8_000); // late, often past grace
    else if (roll < 0.2) time += 0; // equal timestamps
    else time += Math.floor(next() * 1_500);
    time = Math.max(0, time);
    const sentence = Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(words)).join(next() < 0.2 ? ', ' : ' ');
    out.push({
      topic,
      key: options.nullKeys && next() < 0.08 ? null : pick(keys),
      value: options.nullValues && next() < 0.08 ? null : sentence,
      timestamp: time,
    });
  }
  return out;
}

/** Two inputs merged by a seeded coin (each keeps its order). */
export function interleave(a: InputRecord[], b: InputRecord[]): InputRecord[] {
  const next = random(a.length * 31 + b.length);
  const out: InputRecord[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && next() < 0.5) ? a[i++]! : b[j++]!);
  return out;
}
