// The plain-JavaScript word count: the reference the plugins are checked
// against (test/plugins/wordcount.test.ts) and the native baseline of the
// word-count benchmark. Same definition as the plugins: lowercase the line
// (full Unicode mapping), split on runs of characters that are neither
// Alphabetic nor Numeric, drop empty pieces.

const separators = /[^\p{Alphabetic}\p{N}]+/u;

export function referenceWords(line: string): string[] {
  return line.toLowerCase().split(separators).filter((word) => word !== '');
}

/** Counts words like the plugins do; `process` returns (word, new count) pairs in order. */
export class ReferenceWordCount {
  readonly counts = new Map<string, number>();

  process(line: string): Array<[string, number]> {
    const out: Array<[string, number]> = [];
    for (const word of referenceWords(line)) {
      const count = (this.counts.get(word) ?? 0) + 1;
      this.counts.set(word, count);
      out.push([word, count]);
    }
    return out;
  }
}
