// JSON text as Jackson (inside Kafka's JsonConverter) reads and writes it:
// a parser that keeps each number's text and whether it is integral (so
// longs beyond 2^53 and decimals survive), objects' key order (a repeated
// key keeps its first place, its last value), and anything after the first
// value ignored as Jackson's `readTree` does; and the writing of strings
// and numbers byte for byte as Jackson writes them.
//
// Owns: JSON syntax and Jackson's node accessors (`intValue`, `longValue`,
// `textValue`, `binaryValue`, …) with their Java semantics.
// Must never: know about Connect schemas.

export type JsonNode =
  | { readonly kind: 'missing' }
  | { readonly kind: 'null' }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'number'; readonly text: string; readonly integral: boolean }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'array'; readonly items: readonly JsonNode[] }
  | { readonly kind: 'object'; readonly entries: ReadonlyArray<readonly [string, JsonNode]> };

export class JsonSyntaxError extends Error {}

/** Parses the first JSON value of `text` (Jackson's readTree: trailing content ignored, empty input is a missing node). */
export function parseJson(text: string): JsonNode {
  let at = 0;
  const fail = (message: string): never => {
    throw new JsonSyntaxError(`${message} at position ${at}`);
  };
  const skip = () => {
    while (at < text.length && (text[at] === ' ' || text[at] === '\t' || text[at] === '\n' || text[at] === '\r')) at++;
  };
  const value = (depth: number): JsonNode => {
    if (depth > 1000) fail('JSON nested too deep');
    skip();
    const c = text[at];
    if (c === undefined) return fail('Unexpected end-of-input');
    if (c === '{') {
      at++;
      const entries: Array<[string, JsonNode]> = [];
      skip();
      if (text[at] === '}') {
        at++;
        return { kind: 'object', entries };
      }
      for (;;) {
        skip();
        if (text[at] !== '"') fail("Unexpected character: was expecting double-quote to start field name");
        const key = string();
        skip();
        if (text[at] !== ':') fail("Unexpected character: was expecting a colon to separate field name and value");
        at++;
        const item = value(depth + 1);
        const existing = entries.findIndex(([k]) => k === key);
        if (existing >= 0) entries[existing] = [key, item];
        else entries.push([key, item]);
        skip();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] === '}') {
          at++;
          return { kind: 'object', entries };
        }
        fail("Unexpected character: was expecting comma to separate Object entries");
      }
    }
    if (c === '[') {
      at++;
      const items: JsonNode[] = [];
      skip();
      if (text[at] === ']') {
        at++;
        return { kind: 'array', items };
      }
      for (;;) {
        items.push(value(depth + 1));
        skip();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] === ']') {
          at++;
          return { kind: 'array', items };
        }
        fail("Unexpected character: was expecting comma to separate Array entries");
      }
    }
    if (c === '"') return { kind: 'string', value: string() };
    if (text.startsWith('true', at)) {
      at += 4;
      return { kind: 'boolean', value: true };
    }
    if (text.startsWith('false', at)) {
      at += 5;
      return { kind: 'boolean', value: false };
    }
    if (text.startsWith('null', at)) {
      at += 4;
      return { kind: 'null' };
    }
    const number = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at, at + 1100));
    if (number && number[0] !== '-') {
      at += number[0].length;
      if (/^[0-9]/.test(text[at] ?? '')) fail('Invalid numeric value: Leading zeroes not allowed');
      return { kind: 'number', text: number[0], integral: number[1] === undefined && number[2] === undefined };
    }
    return fail(`Unrecognized token '${text.slice(at, at + 20)}'`);
  };
  const string = (): string => {
    at++;
    let out = '';
    for (;;) {
      const c = text[at];
      if (c === undefined) return fail('Unexpected end-of-input in a String value');
      if (c === '"') {
        at++;
        return out;
      }
      if (c === '\\') {
        const escape = text[at + 1];
        at += 2;
        switch (escape) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            const hex = text.slice(at, at + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Unexpected character in a \\u escape');
            out += String.fromCharCode(parseInt(hex, 16));
            at += 4;
            break;
          }
          default: fail(`Unrecognized character escape '${escape}'`);
        }
        continue;
      }
      if (c < ' ') fail('Illegal unquoted character: has to be escaped using backslash to be included in string value');
      out += c;
      at++;
    }
  };
  skip();
  if (at >= text.length) return { kind: 'missing' };
  return value(0);
}

/** Jackson's `JsonNode.getNodeType()` name. */
export function nodeType(node: JsonNode | undefined): string {
  if (node === undefined) return 'MISSING';
  return node.kind === 'missing' ? 'MISSING' : node.kind === 'object' ? 'OBJECT' : node.kind.toUpperCase();
}

/** The exact value of a number node: `unscaled × 10^-scale`. */
export function decimalOf(text: string): { unscaled: bigint; scale: number } {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) throw new JsonSyntaxError(`not a number: ${text}`);
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const unscaled = BigInt(`${sign}${whole}${fraction}`);
  return { unscaled, scale: fraction.length - Number(exponent) };
}

function truncated({ unscaled, scale }: { unscaled: bigint; scale: number }): bigint {
  if (scale <= 0) return unscaled * 10n ** BigInt(-scale);
  return unscaled / 10n ** BigInt(scale);
}

/** `longValue()`: truncated toward zero, the low 64 bits (0 for a non-number). */
export function longValue(node: JsonNode): bigint {
  if (node.kind !== 'number') return 0n;
  return BigInt.asIntN(64, node.integral ? BigInt(node.text) : truncated(decimalOf(node.text)));
}

/** `intValue()`: the low 32 bits of the truncated value. */
export function intValue(node: JsonNode): number {
  if (node.kind !== 'number') return 0;
  return Number(BigInt.asIntN(32, node.integral ? BigInt(node.text) : truncated(decimalOf(node.text))));
}

/** `doubleValue()` (correctly rounded, as BigDecimal's). */
export function doubleValue(node: JsonNode): number {
  return node.kind === 'number' ? Number(node.text) : 0;
}

/** Whether an integral node fits Java's int (Jackson's IntNode: `isInt()`). */
export function isInt(node: JsonNode): boolean {
  if (node.kind !== 'number' || !node.integral) return false;
  const value = BigInt(node.text);
  return value >= -2147483648n && value <= 2147483647n;
}

/**
 * A JSON string literal as Jackson writes it: JSON.stringify's escapes, but
 * hex digits upper-case, and characters outside the Basic Multilingual Plane
 * (emoji) as their UTF-16 surrogate pair (`\uD83D\uDE00`), not raw UTF-8.
 */
export function jacksonString(text: string): string {
  return JSON.stringify(text)
    .replace(/\\(\\|u[0-9a-f]{4})/g, (match, escape: string) => (escape === '\\' ? match : `\\u${escape.slice(1).toUpperCase()}`))
    .replace(/[\uD800-\uDFFF]/g, (surrogate) => `\\u${surrogate.charCodeAt(0).toString(16).toUpperCase()}`);
}
