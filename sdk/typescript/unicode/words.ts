// Unicode words for guests (import from '@eddy/sdk/unicode'): the JS engine
// inside componentize-js has no ICU, so these tables stand in for \p{…} and
// for the Final_Sigma rule of toLowerCase(). Splitting a line into lowercase
// words, the same way Rust's
// `str::to_lowercase` + `char::is_alphabetic() || char::is_numeric()` does.

import { caseIgnorableRanges, casedRanges, wordCharacterRanges } from './unicode-tables.ts';

const capitalSigma = 0x3a3;

/** The lowercase words of `line`, in order. */
export function words(line: string): string[] {
  const lower = toLowerCase(line);
  const found: string[] = [];
  let start = -1;
  let index = 0;
  for (const character of lower) {
    if (isWordCharacter(character.codePointAt(0)!)) {
      if (start < 0) start = index;
    } else if (start >= 0) {
      found.push(lower.slice(start, index));
      start = -1;
    }
    index += character.length;
  }
  if (start >= 0) found.push(lower.slice(start));
  return found;
}

/** Full Unicode lowercase, with Final_Sigma (Unicode 3.13, Table 3-17). */
export function toLowerCase(line: string): string {
  if (!line.includes('\u03a3')) return line.toLowerCase();
  const codePoints = Array.from(line, (character) => character.codePointAt(0)!);
  let out = '';
  let segmentStart = 0;
  let offset = 0;
  codePoints.forEach((codePoint, index) => {
    const width = codePoint > 0xffff ? 2 : 1;
    if (codePoint === capitalSigma) {
      out += line.slice(segmentStart, offset).toLowerCase() + (isFinalSigma(codePoints, index) ? '\u03c2' : '\u03c3');
      segmentStart = offset + width;
    }
    offset += width;
  });
  return out + line.slice(segmentStart).toLowerCase();
}

function isFinalSigma(codePoints: number[], at: number): boolean {
  let before = at - 1;
  while (before >= 0 && inRanges(caseIgnorableRanges, codePoints[before]!)) before--;
  if (before < 0 || !inRanges(casedRanges, codePoints[before]!)) return false;
  let after = at + 1;
  while (after < codePoints.length && inRanges(caseIgnorableRanges, codePoints[after]!)) after++;
  return after >= codePoints.length || !inRanges(casedRanges, codePoints[after]!);
}

function isWordCharacter(codePoint: number): boolean {
  if (codePoint < 0x80) {
    return (codePoint >= 0x61 && codePoint <= 0x7a) || (codePoint >= 0x30 && codePoint <= 0x39) || (codePoint >= 0x41 && codePoint <= 0x5a);
  }
  return inRanges(wordCharacterRanges, codePoint);
}

/** Binary search in flattened, sorted, inclusive [start, end] ranges. */
function inRanges(ranges: Uint32Array, codePoint: number): boolean {
  let low = 0;
  let high = ranges.length / 2 - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (codePoint < ranges[middle * 2]!) high = middle - 1;
    else if (codePoint > ranges[middle * 2 + 1]!) low = middle + 1;
    else return true;
  }
  return false;
}
