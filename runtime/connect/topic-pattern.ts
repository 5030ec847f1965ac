// A sink connector's `topics.regex`: a java.util.regex.Pattern that a topic
// name must match whole (Kafka's consumer subscribes with
// `pattern.matcher(topic).matches()`), run as a JavaScript RegExp.
//
// Owns: translating the Java syntax that has another spelling in JavaScript
// (leading inline flags such as `(?i)`, `\Q…\E` quoting, `\A` `\z` `\Z`,
// the POSIX classes `\p{Alpha}` …), refusing what JavaScript cannot run the
// same way (possessive quantifiers, atomic groups, `\p{javaLowerCase}` …)
// with a reason, and which topics a pattern subscribes: as Kafka's consumer
// (exclude.internal.topics=true), never the broker's internal topics.
// Must never: accept a pattern that JavaScript would match differently from
// Java without saying so, or subscribe an internal topic.

/** Topics the broker marks internal (Kafka's Topic.isInternal): a pattern subscription leaves them out. */
const internalTopics = new Set(['__consumer_offsets', '__transaction_state', '__share_group_state']);

/** The POSIX classes of java.util.regex (US-ASCII only, as Java's defaults). */
const posixClasses: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};

/** Letter escapes that mean the same in Java and in JavaScript (without the u flag), for the ASCII names topics have. */
const sameEscapes = new Set(['d', 'D', 's', 'S', 'w', 'W', 'b', 'B', 'n', 't', 'r', 'f', 'c', 'x', 'u']);

export class TopicPatternError extends Error {}

/** The JavaScript form of Java pattern `source`, matching whole names; throws TopicPatternError when it cannot be run the same way. */
export function compileTopicPattern(source: string): RegExp {
  let body = source;
  let flags = '';
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(body);
  if (inline) {
    for (const flag of inline[1]!) {
      if (flag === 'i') flags += flags.includes('i') ? '' : 'i';
      else if (flag === 's') flags += flags.includes('s') ? '' : 's';
      else if (flag === 'm') flags += flags.includes('m') ? '' : 'm';
      else if (flag === 'u' || flag === 'd' || flag === 'U') continue; // Unicode case, Unix lines, Unicode classes: no effect on topic names (ASCII)
      else throw new TopicPatternError(`the inline flag '${flag}' of (?${inline[1]}) is not supported`);
    }
    body = body.slice(inline[0].length);
  }
  let translated = '';
  let inClass = false;
  /** The last thing outside a class was a quantifier (a following '+' makes it possessive, a '?' lazy). */
  let afterQuantifier = false;
  for (let index = 0; index < body.length; index++) {
    const char = body[index]!;
    const quantified = afterQuantifier;
    afterQuantifier = false;
    if (char === '\\') {
      const next = body[index + 1];
      if (next === undefined) throw new TopicPatternError(`Unexpected internal error near index ${index + 1}`);
      if (next === 'Q') {
        const end = body.indexOf('\\E', index + 2);
        const quoted = body.slice(index + 2, end === -1 ? body.length : end);
        translated += quoted.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        index = end === -1 ? body.length : end + 1;
        continue;
      }
      if ((next === 'p' || next === 'P') && body[index + 2] === '{') {
        const close = body.indexOf('}', index + 3);
        const name = close === -1 ? '' : body.slice(index + 3, close).replace(/^Is/, '');
        const range = posixClasses[name];
        if (range === undefined) throw new TopicPatternError(`the character class \\${next}{${body.slice(index + 3, close === -1 ? body.length : close)}} is not supported (POSIX classes such as \\p{Alnum} are)`);
        if (next === 'P' && inClass) throw new TopicPatternError(`a negated class \\P{${name}} inside [...] is not supported`);
        translated += inClass ? range : `[${next === 'P' ? '^' : ''}${range}]`;
        index = close;
        continue;
      }
      if (!inClass && next === 'A') translated += '^';
      else if (!inClass && next === 'z') translated += '$';
      else if (!inClass && next === 'Z') translated += '(?=\\n?$)';
      else if (/[a-zA-Z0]/.test(next) && !sameEscapes.has(next)) {
        // \h, \R, \e, \a, \v, \G, \0n… mean something else in JavaScript (or nothing).
        throw new TopicPatternError(`the escape \\${next} is not supported (near index ${index})`);
      } else if (next === 'x' && body[index + 2] === '{') {
        throw new TopicPatternError(`the escape \\x{…} is not supported; write \\xhh (near index ${index})`);
      }
      // Any other escape means the same in both: a class (\d \w \s …), a control or hex escape, a backreference, or the character itself.
      else translated += `\\${next}`;
      index++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      else if (char === '[') throw new TopicPatternError(`nested character classes ([a-z[0-9]]) and class intersections are not supported (near index ${index})`);
      else if (char === '&' && body[index + 1] === '&') throw new TopicPatternError(`class intersections (&&) are not supported (near index ${index})`);
      translated += char;
      continue;
    }
    if (char === '[') {
      inClass = true;
      translated += char;
      // A ']' right after '[' or '[^' is a literal in Java.
      if (body[index + 1] === '^') {
        translated += '^';
        index++;
      }
      if (body[index + 1] === ']') {
        translated += '\\]';
        index++;
      }
      continue;
    }
    if (char === '(' && body.startsWith('(?>', index)) throw new TopicPatternError(`atomic groups (?>...) are not supported (near index ${index})`);
    if (char === '(' && /^\(\?[a-zA-Z-]+[:)]/.test(body.slice(index))) throw new TopicPatternError(`inline flags are supported only at the start of the pattern (near index ${index})`);
    if (char === '+' && quantified) throw new TopicPatternError(`possessive quantifiers (…${body[index - 1]}+) are not supported (near index ${index})`);
    if (char === '*' || char === '+' || (char === '?' && !quantified)) afterQuantifier = true;
    const bounds = char === '{' ? /^\{\d+(?:,\d*)?\}/.exec(body.slice(index)) : null;
    if (bounds) {
      translated += bounds[0];
      index += bounds[0].length - 1;
      afterQuantifier = true;
      continue;
    }
    translated += char;
  }
  try {
    return new RegExp(`^(?:${translated})$`, flags);
  } catch (error) {
    throw new TopicPatternError((error as Error).message.replace(/^Invalid regular expression: /, ''), { cause: error });
  }
}

/** The topics among `topics` that `pattern` subscribes, sorted; never an internal topic. */
export function matchingTopics(pattern: RegExp, topics: Iterable<string>): string[] {
  return [...topics].filter((topic) => !internalTopics.has(topic) && pattern.test(topic)).sort();
}

/** Whether `regex` (a topics.regex value) matches dead-letter topic `topic` whole; false for a pattern that does not compile (reported on its own). */
export function dlqMatchesPattern(regex: string, topic: string): boolean {
  try {
    return compileTopicPattern(regex).test(topic);
  } catch {
    return false;
  }
}

/** Kafka's SinkConnectorConfig.validate message for a dead-letter topic the sink's own pattern would consume. */
export function dlqMatchedMessage(topic: string, regex: string): string {
  return `The DLQ topic '${topic}' may not be matched by the regex for the topics ('topics.regex=${regex}') consumed by the connector`;
}
