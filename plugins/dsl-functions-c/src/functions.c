/* DSL functions in C, name for name and byte for byte those of
 * plugins/dsl-functions-rust (the examples, the demo and the differential
 * tests against Kafka Streams).
 *
 * Values are strings in UTF-8 (Kafka's StringSerde) unless a function says
 * Long: 8 bytes big-endian (LongSerde). A null input gives a null output
 * where Java would (`null` string concatenation writes "null"). Error
 * messages are the Rust plugin's. */

#include <stdlib.h>
#include <string.h>

#include "eddy_functions.h"

/* ---- helpers, as the Rust plugin's ---------------------------------------- */

/* Rust's `text`: a null stays null (true, *present = false); invalid UTF-8 fails. */
static bool text(const eddy_bytes *bytes, bool *present) {
  *present = bytes != NULL;
  if (!bytes) return true;
  char error[96];
  if (eddy_utf8_error(bytes->data, bytes->length, error, sizeof error)) return eddy_fail("not UTF-8: %s", error);
  return true;
}

static bool long_of(const eddy_bytes *bytes, int64_t *value) {
  if (!bytes) return eddy_fail("null aggregate");
  if (bytes->length != 8) return eddy_fail("a Long is 8 bytes, got %zu", bytes->length);
  uint64_t result = 0;
  for (int i = 0; i < 8; i++) result = (result << 8) | bytes->data[i];
  *value = (int64_t)result;
  return true;
}

static void out_long(eddy_out *out, int64_t value) {
  uint8_t bytes[8];
  for (int i = 0; i < 8; i++) bytes[i] = (uint8_t)((uint64_t)value >> (56 - 8 * i));
  eddy_out_value(out, &(eddy_bytes){ bytes, 8 });
}

/* Java's `String.length()`: UTF-16 code units of valid UTF-8. */
static int64_t java_length(eddy_bytes text) {
  int64_t units = 0;
  for (size_t i = 0; i < text.length; i++) {
    uint8_t byte = text.data[i];
    if ((byte & 0xc0) == 0x80) continue;
    units += byte >= 0xf0 ? 2 : 1;
  }
  return units;
}

/* Wrapping i64 addition, as Rust's release build. */
static int64_t add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }

/* The length of the first character of non-empty valid UTF-8. */
static size_t first_character(eddy_bytes text) {
  if (text.length == 0) return 0;
  uint8_t byte = text.data[0];
  return byte < 0x80 ? 1 : byte < 0xe0 ? 2 : byte < 0xf0 ? 3 : 4;
}

static bool ascii_word(uint8_t byte) {
  return (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || byte == '_';
}

/* Java's `s.toLowerCase(Locale.ROOT).split("\\W+")`, as the Rust plugin
 * computes it: split the lowercase line at every character that is not
 * [a-zA-Z0-9_]; keep the first token even if empty, then the non-empty ones;
 * drop trailing empty words (so only a lone empty first token goes); "" gives
 * one empty word. Calls `word` for each. */
static void java_split_words(eddy_bytes line, void (*word)(eddy_bytes, void *), void *context) {
  eddy_buffer lower = eddy_lowercase(line.data, line.length);
  const uint8_t *text = lower.data ? lower.data : (const uint8_t *)"";
  size_t length = lower.length, first_end = 0;
  if (length == 0) {
    word((eddy_bytes){ text, 0 }, context);
    eddy_buffer_free(&lower);
    return;
  }
  while (first_end < length && ascii_word(text[first_end])) first_end++;
  bool later_words = false;
  for (size_t i = first_end; i < length && !later_words; i++) later_words = ascii_word(text[i]);
  if (first_end > 0 || later_words) word((eddy_bytes){ text, first_end }, context);
  size_t index = first_end;
  while (index < length) {
    while (index < length && !ascii_word(text[index])) index++;
    size_t start = index;
    while (index < length && ascii_word(text[index])) index++;
    if (index > start) word((eddy_bytes){ text + start, index - start }, context);
  }
  eddy_buffer_free(&lower);
}

/* ---- the functions --------------------------------------------------------- */

static void append_value(eddy_bytes word, void *out) { eddy_out_append_value(out, &word); }

static bool split_words(const eddy_bytes *key, const eddy_bytes *value, eddy_out *out) {
  bool present;
  if (!text(value, &present)) return false;
  if (present) java_split_words(*value, append_value, out);
  return true;
}

static bool unicode_words(const eddy_bytes *key, const eddy_bytes *value, eddy_out *out) {
  bool present;
  if (!text(value, &present)) return false;
  if (!present) return true;
  eddy_words words;
  eddy_bytes word;
  eddy_words_begin(&words, value->data, value->length);
  while (eddy_words_next(&words, &word)) eddy_out_append_value(out, &word);
  eddy_words_end(&words);
  return true;
}

static bool long_to_decimal(const eddy_bytes *key, const eddy_bytes *value, eddy_out *out) {
  if (!value) return true;
  int64_t number;
  if (!long_of(value, &number)) return false;
  eddy_out_printf(out, "%lld", (long long)number);
  return true;
}

static bool value_as_key(const eddy_bytes *key, const eddy_bytes *value, eddy_out *out) {
  eddy_out_value(out, value);
  return true;
}

static bool record_key(const eddy_bytes *key, const eddy_bytes *value, eddy_out *out) {
  eddy_out_value(out, key);
  return true;
}

static bool first_letter(const eddy_bytes *key, const eddy_bytes *value, eddy_out *out) {
  bool present;
  if (!text(value, &present)) return false;
  if (present) eddy_out_value(out, &(eddy_bytes){ value->data, first_character(*value) });
  return true;
}

static bool swap(const eddy_bytes *key, const eddy_bytes *value, eddy_out *out) {
  eddy_out_pair(out, value, key);
  return true;
}

static bool by_first_letter(const eddy_bytes *key, const eddy_bytes *value, eddy_out *out) {
  bool present;
  if (!text(value, &present)) return false;
  eddy_bytes first = present ? (eddy_bytes){ value->data, first_character(*value) } : (eddy_bytes){ NULL, 0 };
  eddy_out_pair(out, present ? &first : NULL, value);
  return true;
}

static bool uppercase(const eddy_bytes *key, const eddy_bytes *value, eddy_out *out) {
  bool present;
  if (!text(value, &present)) return false;
  if (!present) return true;
  eddy_buffer upper = eddy_uppercase(value->data, value->length);
  eddy_out_value(out, &(eddy_bytes){ upper.data, upper.length });
  eddy_buffer_free(&upper);
  return true;
}

static bool length(const eddy_bytes *key, const eddy_bytes *value, eddy_out *out) {
  bool present;
  if (!text(value, &present)) return false;
  if (present) out_long(out, java_length(*value));
  return true;
}

static bool contains_a(eddy_bytes text) { return text.length > 0 && memchr(text.data, 'a', text.length) != NULL; }

static bool has_a(const eddy_bytes *key, const eddy_bytes *value, bool *result) {
  bool present;
  if (!text(value, &present)) return false;
  *result = present && contains_a(*value);
  return true;
}

static bool key_has_a(const eddy_bytes *key, const eddy_bytes *value, bool *result) {
  bool present;
  if (!text(key, &present)) return false;
  *result = present && contains_a(*key);
  return true;
}

typedef struct { eddy_out *out; const eddy_bytes *key; } pair_context;
static void append_pair(eddy_bytes word, void *context) {
  pair_context *pairs = context;
  eddy_out_pair(pairs->out, &word, pairs->key);
}

static bool words_as_keys(const eddy_bytes *key, const eddy_bytes *value, eddy_out *out) {
  bool present;
  if (!text(value, &present)) return false;
  if (present) java_split_words(*value, append_pair, &(pair_context){ out, key });
  return true;
}

static bool empty_string(eddy_out *out) {
  eddy_out_value(out, &(eddy_bytes){ (const uint8_t *)"", 0 });
  return true;
}

static bool zero(eddy_out *out) {
  out_long(out, 0);
  return true;
}

/* "null" for a null string, as Java's string concatenation. */
static eddy_bytes or_null(const eddy_bytes *text) { return text ? *text : eddy_text("null"); }

static bool concatenate(const eddy_bytes *first, const eddy_bytes *second, const char *separator, eddy_out *out) {
  bool present;
  if (!text(first, &present) || !text(second, &present)) return false;
  eddy_bytes a = or_null(first), b = or_null(second);
  size_t separator_length = strlen(separator);
  /* memcpy, not printf: a string may hold NUL characters. */
  uint8_t *joined = malloc(a.length + separator_length + b.length + 1);
  if (!joined) return eddy_fail("out of memory");
  if (a.length) memcpy(joined, a.data, a.length);
  memcpy(joined + a.length, separator, separator_length);
  if (b.length) memcpy(joined + a.length + separator_length, b.data, b.length);
  eddy_out_value(out, &(eddy_bytes){ joined, a.length + separator_length + b.length });
  free(joined);
  return true;
}

static bool append(const eddy_bytes *key, const eddy_bytes *value, const eddy_bytes *aggregate, eddy_out *out) {
  /* Rust reads the aggregate first, then the value. */
  return concatenate(aggregate, value, "", out);
}

static bool add_length(const eddy_bytes *key, const eddy_bytes *value, const eddy_bytes *aggregate, eddy_out *out) {
  bool present;
  if (!text(value, &present)) return false;
  int64_t so_far;
  if (!long_of(aggregate, &so_far)) return false;
  out_long(out, add(so_far, present ? java_length(*value) : 0));
  return true;
}

static bool subtract_length(const eddy_bytes *key, const eddy_bytes *value, const eddy_bytes *aggregate, eddy_out *out) {
  bool present;
  if (!text(value, &present)) return false;
  int64_t so_far;
  if (!long_of(aggregate, &so_far)) return false;
  out_long(out, (int64_t)((uint64_t)so_far - (uint64_t)(present ? java_length(*value) : 0)));
  return true;
}

static bool concat(const eddy_bytes *aggregate, const eddy_bytes *value, eddy_out *out) { return concatenate(aggregate, value, ",", out); }
static bool minus(const eddy_bytes *aggregate, const eddy_bytes *value, eddy_out *out) { return concatenate(aggregate, value, "-", out); }

static bool sum(const eddy_bytes *aggregate, const eddy_bytes *value, eddy_out *out) {
  int64_t a, b;
  if (!long_of(aggregate, &a) || !long_of(value, &b)) return false;
  out_long(out, add(a, b));
  return true;
}

static bool join_values(const eddy_bytes *key, const eddy_bytes *left, const eddy_bytes *right, eddy_out *out) { return concatenate(left, right, "+", out); }

static bool nothing(const eddy_bytes *key, const eddy_bytes *value) { return true; }

/* Rust's i64 `parse`: optional sign, ASCII digits, no overflow. */
static bool parse_i64(const uint8_t *data, size_t length, int64_t *value) {
  size_t index = 0;
  bool negative = false;
  if (length > 0 && (data[0] == '+' || data[0] == '-')) {
    negative = data[0] == '-';
    index = 1;
  }
  if (index == length) return false;
  uint64_t magnitude = 0, limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  for (; index < length; index++) {
    if (data[index] < '0' || data[index] > '9') return false;
    uint64_t digit = data[index] - '0';
    if (magnitude > (limit - digit) / 10) return false;
    magnitude = magnitude * 10 + digit;
  }
  *value = negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
  return true;
}

/* The time in a value "<anything>@<millis>", else the record's own. */
static bool time_from_value(const eddy_bytes *key, const eddy_bytes *value, int64_t timestamp, int64_t partition_time, int64_t *result) {
  bool present;
  if (!text(value, &present)) return false;
  *result = timestamp;
  if (!present) return true;
  for (size_t i = value->length; i > 0; i--) {
    if (value->data[i - 1] == '@') {
      int64_t parsed;
      if (parse_i64(value->data + i, value->length - i, &parsed)) *result = parsed;
      break;
    }
  }
  return true;
}

static bool topic_by_first_letter(const eddy_bytes *key, const eddy_bytes *value, eddy_bytes source, eddy_out *out) {
  bool present;
  if (!text(value, &present)) return false;
  uint8_t c = present && value->length > 0 ? value->data[0] : 0;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) eddy_out_printf(out, "letter-%c", c | 0x20);
  else eddy_out_text(out, "letter-other");
  return true;
}

static bool merge_lengths(const eddy_bytes *key, const eddy_bytes *a, const eddy_bytes *b, eddy_out *out) {
  int64_t x, y;
  if (!long_of(a, &x) || !long_of(b, &y)) return false;
  out_long(out, add(x, y));
  return true;
}

static bool merge_strings(const eddy_bytes *key, const eddy_bytes *a, const eddy_bytes *b, eddy_out *out) { return concatenate(a, b, "|", out); }

static bool register_functions(const eddy_config *config, eddy_registry *f) {
  eddy_register_flat_value_mapper(f, "split-words", split_words);
  eddy_register_flat_value_mapper(f, "unicode-words", unicode_words);
  eddy_register_value_mapper(f, "long-to-decimal", long_to_decimal);
  eddy_register_key_selector(f, "value-as-key", value_as_key);
  eddy_register_key_selector(f, "record-key", record_key);
  eddy_register_key_selector(f, "first-letter", first_letter);
  eddy_register_key_value_mapper(f, "swap", swap);
  eddy_register_key_value_mapper(f, "by-first-letter", by_first_letter);
  eddy_register_value_mapper(f, "uppercase", uppercase);
  eddy_register_value_mapper(f, "length", length);
  eddy_register_predicate(f, "has-a", has_a);
  eddy_register_predicate(f, "key-has-a", key_has_a);
  eddy_register_flat_mapper(f, "words-as-keys", words_as_keys);
  eddy_register_initializer(f, "empty-string", empty_string);
  eddy_register_initializer(f, "zero", zero);
  eddy_register_aggregator(f, "append", append);
  eddy_register_aggregator(f, "add-length", add_length);
  eddy_register_aggregator(f, "subtract-length", subtract_length);
  eddy_register_reducer(f, "concat", concat);
  eddy_register_reducer(f, "minus", minus);
  eddy_register_reducer(f, "sum", sum);
  eddy_register_value_joiner(f, "join-values", join_values);
  eddy_register_action(f, "nothing", nothing);
  eddy_register_timestamp_extractor(f, "time-from-value", time_from_value);
  eddy_register_topic_name_extractor(f, "topic-by-first-letter", topic_by_first_letter);
  eddy_register_merger(f, "merge-lengths", merge_lengths);
  eddy_register_merger(f, "merge-strings", merge_strings);
  return true;
}

EDDY_FUNCTIONS(register_functions);
