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
  return new JsonParser(text).document();
}

/** Where a member of a top-level object starts and ends in the text, and its value. */
export interface MemberSpan {
  readonly key: string;
  readonly start: number;
  readonly end: number;
  readonly node: JsonNode;
}

/**
 * `parseJson`, also giving each member of a top-level object with where its
 * value starts and ends in `text` (in order, repeated keys included): what
 * lets the JsonConverter cache the schemas of its envelopes by their text.
 * With `reuse` (the text of a member value seen before, not a number, and
 * its node), a member value whose text starts with `reuse.text` is that
 * node, not parsed again — such a value ends where its text ends (a closing
 * bracket, brace or quote, or the end of a literal), so the result is the
 * same.
 */
export function parseJsonWithSpans(text: string, reuse?: { readonly text: string; readonly node: JsonNode }): { node: JsonNode; spans: MemberSpan[] } {
  const parser = new JsonParser(text);
  parser.spans = [];
  // Not a number: `1` is a prefix of `12`, while an object, array, string or literal ends with its own text.
  const first = reuse?.text.charCodeAt(0) ?? Number.NaN;
  if (reuse !== undefined && !Number.isNaN(first) && first !== 45 && !isDigit(first)) parser.reuse = reuse;
  return { node: parser.document(), spans: parser.spans };
}

// Character codes the parser compares against.
const QUOTE = 34;
const BACKSLASH = 92;
const SPACE = 32;

/**
 * The parser: one object per text, no closures (each call on the hot path of
 * a sink is one record), strings sliced out of the text when they hold no
 * escape. Positions in messages are those of the character at fault.
 */
class JsonParser {
  private at = 0;
  spans: MemberSpan[] | undefined;
  reuse: { readonly text: string; readonly node: JsonNode } | undefined;

  constructor(private readonly text: string) {}

  document(): JsonNode {
    this.skip();
    if (this.at >= this.text.length) return { kind: 'missing' };
    return this.value(0);
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(`${message} at position ${this.at}`);
  }

  private skip(): void {
    const text = this.text;
    let at = this.at;
    for (;;) {
      const c = text.charCodeAt(at);
      if (c === SPACE || c === 10 || c === 13 || c === 9) at++;
      else break;
    }
    this.at = at;
  }

  private value(depth: number): JsonNode {
    if (depth > 1000) this.fail('JSON nested too deep');
    this.skip();
    const text = this.text;
    const c = text.charCodeAt(this.at);
    if (Number.isNaN(c)) return this.fail('Unexpected end-of-input');
    if (c === 123 /* { */) return this.object(depth);
    if (c === 91 /* [ */) return this.array(depth);
    if (c === QUOTE) return { kind: 'string', value: this.string() };
    if (c === 116 /* t */ && text.startsWith('true', this.at)) {
      this.at += 4;
      return { kind: 'boolean', value: true };
    }
    if (c === 102 /* f */ && text.startsWith('false', this.at)) {
      this.at += 5;
      return { kind: 'boolean', value: false };
    }
    if (c === 110 /* n */ && text.startsWith('null', this.at)) {
      this.at += 4;
      return { kind: 'null' };
    }
    const number = this.number();
    if (number !== undefined) return number;
    return this.fail(`Unrecognized token '${text.slice(this.at, this.at + 20)}'`);
  }

  private object(depth: number): JsonNode {
    const text = this.text;
    const spans = depth === 0 ? this.spans : undefined;
    this.at++;
    const entries: Array<[string, JsonNode]> = [];
    /** Index of each key once the object is large (a repeated key keeps its first place, its last value). */
    let index: Map<string, number> | undefined;
    this.skip();
    if (text.charCodeAt(this.at) === 125 /* } */) {
      this.at++;
      return { kind: 'object', entries };
    }
    for (;;) {
      this.skip();
      if (text.charCodeAt(this.at) !== QUOTE) this.fail('Unexpected character: was expecting double-quote to start field name');
      const key = this.string();
      this.skip();
      if (text.charCodeAt(this.at) !== 58 /* : */) this.fail('Unexpected character: was expecting a colon to separate field name and value');
      this.at++;
      let start = 0;
      if (spans !== undefined) {
        this.skip();
        start = this.at;
      }
      let item: JsonNode;
      const reuse = this.reuse;
      if (spans !== undefined && reuse !== undefined && text.startsWith(reuse.text, start)) {
        item = reuse.node;
        this.at = start + reuse.text.length;
      } else item = this.value(depth + 1);
      if (spans !== undefined) spans.push({ key, start, end: this.at, node: item });
      let existing = -1;
      if (index !== undefined) existing = index.get(key) ?? -1;
      else {
        for (let i = 0; i < entries.length; i++) {
          if (entries[i]![0] === key) {
            existing = i;
            break;
          }
        }
      }
      if (existing >= 0) entries[existing] = [key, item];
      else {
        entries.push([key, item]);
        if (index !== undefined) index.set(key, entries.length - 1);
        else if (entries.length > 16) index = new Map(entries.map(([name], at) => [name, at]));
      }
      this.skip();
      const next = text.charCodeAt(this.at);
      if (next === 44 /* , */) {
        this.at++;
        continue;
      }
      if (next === 125 /* } */) {
        this.at++;
        return { kind: 'object', entries };
      }
      this.fail('Unexpected character: was expecting comma to separate Object entries');
    }
  }

  private array(depth: number): JsonNode {
    const text = this.text;
    this.at++;
    const items: JsonNode[] = [];
    this.skip();
    if (text.charCodeAt(this.at) === 93 /* ] */) {
      this.at++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.skip();
      const next = text.charCodeAt(this.at);
      if (next === 44 /* , */) {
        this.at++;
        continue;
      }
      if (next === 93 /* ] */) {
        this.at++;
        return { kind: 'array', items };
      }
      this.fail('Unexpected character: was expecting comma to separate Array entries');
    }
  }

  /**
   * `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` read within the next
   * 1,100 characters (a longer number is refused, as a leading zero); a
   * digit right after it (`01`) is a leading zero.
   */
  private number(): JsonNode | undefined {
    const text = this.text;
    const start = this.at;
    const limit = Math.min(text.length, start + 1100);
    let at = start;
    if (text.charCodeAt(at) === 45 /* - */) at++;
    const first = at < limit ? text.charCodeAt(at) : NaN;
    if (first === 48 /* 0 */) at++;
    else if (first >= 49 && first <= 57) {
      at++;
      while (at < limit && isDigit(text.charCodeAt(at))) at++;
    } else return undefined;
    let integral = true;
    if (at + 1 < limit && text.charCodeAt(at) === 46 /* . */ && isDigit(text.charCodeAt(at + 1))) {
      at += 2;
      while (at < limit && isDigit(text.charCodeAt(at))) at++;
      integral = false;
    }
    const e = at < limit ? text.charCodeAt(at) : NaN;
    if (e === 101 || e === 69) {
      let digits = at + 1;
      const sign = digits < limit ? text.charCodeAt(digits) : NaN;
      if (sign === 43 || sign === 45) digits++;
      if (digits < limit && isDigit(text.charCodeAt(digits))) {
        at = digits + 1;
        while (at < limit && isDigit(text.charCodeAt(at))) at++;
        integral = false;
      }
    }
    this.at = at;
    if (isDigit(text.charCodeAt(at))) this.fail('Invalid numeric value: Leading zeroes not allowed');
    return { kind: 'number', text: text.slice(start, at), integral };
  }

  private string(): string {
    const text = this.text;
    const start = ++this.at;
    // The common case: no escape, no control character — a slice of the text.
    let at = start;
    for (;;) {
      const c = text.charCodeAt(at);
      if (c === QUOTE) {
        this.at = at + 1;
        return text.slice(start, at);
      }
      if (c === BACKSLASH || c < SPACE || Number.isNaN(c)) break;
      at++;
    }
    let out = text.slice(start, at);
    this.at = at;
    for (;;) {
      const c = text.charCodeAt(this.at);
      if (Number.isNaN(c)) return this.fail('Unexpected end-of-input in a String value');
      if (c === QUOTE) {
        this.at++;
        return out;
      }
      if (c === BACKSLASH) {
        const escape = text[this.at + 1];
        this.at += 2;
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
            const hex = text.slice(this.at, this.at + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Unexpected character in a \\u escape');
            out += String.fromCharCode(parseInt(hex, 16));
            this.at += 4;
            break;
          }
          default: this.fail(`Unrecognized character escape '${escape}'`);
        }
        continue;
      }
      if (c < SPACE) this.fail('Illegal unquoted character: has to be escaped using backslash to be included in string value');
      // Up to the next quote, escape or control character in one slice.
      let end = this.at + 1;
      for (;;) {
        const d = text.charCodeAt(end);
        if (d === QUOTE || d === BACKSLASH || d < SPACE || Number.isNaN(d)) break;
        end++;
      }
      out += text.slice(this.at, end);
      this.at = end;
    }
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
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

const needsJacksonEscapes = /[\u0000-\u001f\ud800-\udfff]/;

/**
 * A JSON string literal as Jackson writes it: JSON.stringify's escapes, but
 * hex digits upper-case, and characters outside the Basic Multilingual Plane
 * (emoji) as their UTF-16 surrogate pair (`\uD83D\uDE00`), not raw UTF-8.
 */
export function jacksonString(text: string): string {
  // Without control characters or surrogates, JSON.stringify's text is Jackson's.
  if (!needsJacksonEscapes.test(text)) return JSON.stringify(text);
  return JSON.stringify(text)
    .replace(/\\(\\|u[0-9a-f]{4})/g, (match, escape: string) => (escape === '\\' ? match : `\\u${escape.slice(1).toUpperCase()}`))
    .replace(/[\uD800-\uDFFF]/g, (surrogate) => `\\u${surrogate.charCodeAt(0).toString(16).toUpperCase()}`);
}
