/* Unicode words for C plugins (eddy_words, eddy_lowercase, eddy_utf8_check).
 *
 * Owns: splitting UTF-8 text into lowercase words exactly as Rust's
 * `str::to_lowercase` + `char::is_alphabetic() || char::is_numeric()` does
 * (full lowercase mapping with the Final_Sigma rule, then maximal runs of
 * Alphabetic or Numeric characters), and UTF-8 validation that reports an
 * error as Rust's `std::str::from_utf8` does.
 * Must never: classify characters with <ctype.h>/<wctype.h> (locale- and
 * libc-dependent), or use tables other than the generated
 * eddy_unicode_tables.h. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eddy.h"
#include "eddy_unicode_tables.h"

static bool in_ranges(const uint32_t (*table)[2], size_t count, uint32_t code_point) {
  size_t low = 0, high = count;
  while (low < high) {
    size_t middle = low + (high - low) / 2;
    if (code_point < table[middle][0]) high = middle;
    else if (code_point > table[middle][1]) low = middle + 1;
    else return true;
  }
  return false;
}

bool eddy_is_word_character(uint32_t code_point) {
  if (code_point < 0x80) {
    return (code_point >= '0' && code_point <= '9') || (code_point >= 'a' && code_point <= 'z') || (code_point >= 'A' && code_point <= 'Z');
  }
  return in_ranges(eddy_word_ranges, EDDY_WORD_RANGES_COUNT, code_point);
}

static bool is_cased(uint32_t code_point) { return in_ranges(eddy_cased_ranges, EDDY_CASED_RANGES_COUNT, code_point); }
static bool is_case_ignorable(uint32_t code_point) { return in_ranges(eddy_case_ignorable_ranges, EDDY_CASE_IGNORABLE_RANGES_COUNT, code_point); }

/* Rust's core::str validation: `*error_length` is 0 for an incomplete sequence at the end. */
bool eddy_utf8_check(const uint8_t *text, size_t length, size_t *valid_up_to, size_t *error_length) {
  size_t index = 0;
  while (index < length) {
    uint8_t first = text[index];
    size_t width = first < 0x80 ? 1 : (first >= 0xc2 && first <= 0xdf) ? 2 : (first >= 0xe0 && first <= 0xef) ? 3 : (first >= 0xf0 && first <= 0xf4) ? 4 : 0;
    size_t bad = 0; /* error length; 0 = incomplete */
    bool ok = true;
#define NEXT(position) (index + (position) < length ? (int)text[index + (position)] : -1)
    if (width == 1) { index++; continue; }
    if (width == 0) { ok = false; bad = 1; }
    else {
      int second = NEXT(1);
      if (second < 0) { ok = false; bad = 0; }
      else if (width == 2) { if ((second & 0xc0) != 0x80) { ok = false; bad = 1; } }
      else {
        bool second_ok = width == 3
          ? ((first == 0xe0 && second >= 0xa0 && second <= 0xbf) || (first >= 0xe1 && first <= 0xec && second >= 0x80 && second <= 0xbf) ||
             (first == 0xed && second >= 0x80 && second <= 0x9f) || (first >= 0xee && second >= 0x80 && second <= 0xbf))
          : ((first == 0xf0 && second >= 0x90 && second <= 0xbf) || (first >= 0xf1 && first <= 0xf3 && second >= 0x80 && second <= 0xbf) ||
             (first == 0xf4 && second >= 0x80 && second <= 0x8f));
        if (!second_ok) { ok = false; bad = 1; }
        else {
          for (size_t position = 2; position < width; position++) {
            int next = NEXT(position);
            if (next < 0) { ok = false; bad = 0; break; }
            if ((next & 0xc0) != 0x80) { ok = false; bad = position; break; }
          }
        }
      }
    }
#undef NEXT
    if (!ok) {
      if (valid_up_to) *valid_up_to = index;
      if (error_length) *error_length = bad;
      return false;
    }
    index += width;
  }
  if (valid_up_to) *valid_up_to = length;
  if (error_length) *error_length = 0;
  return true;
}

bool eddy_utf8_error(const uint8_t *text, size_t length, char *message, size_t size) {
  size_t valid_up_to, error_length;
  if (eddy_utf8_check(text, length, &valid_up_to, &error_length)) return false;
  if (error_length) snprintf(message, size, "invalid utf-8 sequence of %zu bytes from index %zu", error_length, valid_up_to);
  else snprintf(message, size, "incomplete utf-8 byte sequence from index %zu", valid_up_to);
  return true;
}

/* Decodes the code point at `*index` of valid UTF-8 and advances `*index`. */
static uint32_t decode(const uint8_t *text, size_t *index) {
  uint8_t first = text[*index];
  if (first < 0x80) { *index += 1; return first; }
  if (first < 0xe0) { uint32_t c = ((uint32_t)(first & 0x1f) << 6) | (text[*index + 1] & 0x3f); *index += 2; return c; }
  if (first < 0xf0) {
    uint32_t c = ((uint32_t)(first & 0x0f) << 12) | ((uint32_t)(text[*index + 1] & 0x3f) << 6) | (text[*index + 2] & 0x3f);
    *index += 3;
    return c;
  }
  uint32_t c = ((uint32_t)(first & 0x07) << 18) | ((uint32_t)(text[*index + 1] & 0x3f) << 12) | ((uint32_t)(text[*index + 2] & 0x3f) << 6) | (text[*index + 3] & 0x3f);
  *index += 4;
  return c;
}

/* Decodes the code point that ends just before `*index` and moves `*index` to its start. */
static uint32_t decode_backward(const uint8_t *text, size_t *index) {
  size_t start = *index - 1;
  while (start > 0 && (text[start] & 0xc0) == 0x80) start--;
  size_t cursor = start;
  uint32_t c = decode(text, &cursor);
  *index = start;
  return c;
}

static size_t encode(uint32_t c, uint8_t *out) {
  if (c < 0x80) { out[0] = (uint8_t)c; return 1; }
  if (c < 0x800) { out[0] = (uint8_t)(0xc0 | (c >> 6)); out[1] = (uint8_t)(0x80 | (c & 0x3f)); return 2; }
  if (c < 0x10000) {
    out[0] = (uint8_t)(0xe0 | (c >> 12)); out[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f)); out[2] = (uint8_t)(0x80 | (c & 0x3f));
    return 3;
  }
  out[0] = (uint8_t)(0xf0 | (c >> 18)); out[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
  out[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f)); out[3] = (uint8_t)(0x80 | (c & 0x3f));
  return 4;
}

static const eddy_case_entry *case_entry(const eddy_case_entry *table, size_t count, uint32_t code_point) {
  size_t low = 0, high = count;
  while (low < high) {
    size_t middle = low + (high - low) / 2;
    if (code_point < table[middle].code_point) high = middle;
    else if (code_point > table[middle].code_point) low = middle + 1;
    else return &table[middle];
  }
  return NULL;
}

/* Rust's `case_ignorable_then_cased`: skips case-ignorable characters, then asks whether the next is cased. */
static bool cased_before(const uint8_t *text, size_t index) {
  while (index > 0) {
    uint32_t c = decode_backward(text, &index);
    if (!is_case_ignorable(c)) return is_cased(c);
  }
  return false;
}

static bool cased_after(const uint8_t *text, size_t length, size_t index) {
  while (index < length) {
    uint32_t c = decode(text, &index);
    if (!is_case_ignorable(c)) return is_cased(c);
  }
  return false;
}

/* Lowercase of valid UTF-8 `text` into `out` (at least 3 × length bytes: no
 * case mapping more than triples a character's bytes); returns its length. */
static size_t lowercase_into(const uint8_t *text, size_t length, uint8_t *out) {
  size_t written = 0, index = 0;
  while (index < length) {
    uint8_t byte = text[index];
    if (byte < 0x80) {
      out[written++] = (byte >= 'A' && byte <= 'Z') ? (uint8_t)(byte + 32) : byte;
      index++;
      continue;
    }
    size_t start = index;
    uint32_t c = decode(text, &index);
    if (c == 0x3a3) { /* Σ: Final_Sigma, as Rust's map_uppercase_sigma */
      bool final = cased_before(text, start) && !cased_after(text, length, index);
      written += encode(final ? 0x3c2 : 0x3c3, out + written);
      continue;
    }
    const eddy_case_entry *entry = case_entry(eddy_lowercase_table, EDDY_LOWERCASE_TABLE_COUNT, c);
    if (!entry) {
      memcpy(out + written, text + start, index - start);
      written += index - start;
      continue;
    }
    for (int i = 0; i < 3 && entry->mapped[i]; i++) written += encode(entry->mapped[i], out + written);
  }
  return written;
}

eddy_buffer eddy_uppercase(const uint8_t *text, size_t length) {
  eddy_buffer result = { malloc(length * 3 + 1), 0 };
  if (!result.data) abort();
  size_t index = 0;
  while (index < length) {
    uint8_t byte = text[index];
    if (byte < 0x80) {
      result.data[result.length++] = (byte >= 'a' && byte <= 'z') ? (uint8_t)(byte - 32) : byte;
      index++;
      continue;
    }
    size_t start = index;
    const eddy_case_entry *entry = case_entry(eddy_uppercase_table, EDDY_UPPERCASE_TABLE_COUNT, decode(text, &index));
    if (!entry) {
      memcpy(result.data + result.length, text + start, index - start);
      result.length += index - start;
      continue;
    }
    for (int i = 0; i < 3 && entry->mapped[i]; i++) result.length += encode(entry->mapped[i], result.data + result.length);
  }
  return result;
}

eddy_buffer eddy_lowercase(const uint8_t *text, size_t length) {
  eddy_buffer result = { malloc(length * 3 + 1), 0 };
  if (!result.data) abort();
  result.length = lowercase_into(text, length, result.data);
  return result;
}

void eddy_words_begin(eddy_words *words, const uint8_t *text, size_t length) {
  words->lower = eddy_lowercase(text, length);
  words->position = 0;
}

bool eddy_words_next(eddy_words *words, eddy_bytes *word) {
  const uint8_t *text = words->lower.data;
  size_t length = words->lower.length, index = words->position;
  while (index < length) {
    size_t start = index;
    uint32_t c = decode(text, &index);
    if (!eddy_is_word_character(c)) continue;
    size_t end = index;
    while (end < length) {
      size_t next = end;
      if (!eddy_is_word_character(decode(text, &next))) break;
      end = next;
    }
    words->position = end;
    word->data = text + start;
    word->length = end - start;
    return true;
  }
  words->position = length;
  return false;
}

void eddy_words_end(eddy_words *words) {
  eddy_buffer_free(&words->lower);
  words->position = 0;
}
