// Input records the DSL tests share.

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
