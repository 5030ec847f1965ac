/* Word count: counts every word of every input line in the store `counts`
 * and forwards (word, new count) for each word, in order.
 *
 * A word is a maximal run of characters that are letters (Unicode
 * Alphabetic) or digits (Unicode Numeric) in the lowercased line. Behaviour
 * is identical to plugins/wordcount-rust: same outputs, same store, the same
 * error for a value that is not UTF-8, no words for a null value. */

#include "eddy.h"

static eddy_store counts;

static bool init(const eddy_config *config) {
  (void)config;
  return eddy_store_open("counts", &counts);
}

static bool process(const eddy_record *record) {
  if (!record->has_value) return true;
  char error[96];
  if (eddy_utf8_error(record->value.data, record->value.length, error, sizeof error)) {
    return eddy_fail("value is not valid UTF-8: %s", error);
  }
  eddy_words words;
  eddy_bytes word;
  bool ok = true;
  eddy_words_begin(&words, record->value.data, record->value.length);
  while (ok && eddy_words_next(&words, &word)) {
    uint64_t count = 1;
    eddy_buffer previous;
    if (eddy_store_get(counts, word, &previous)) {
      ok = eddy_parse_u64(eddy_view(previous), &count);
      eddy_buffer_free(&previous);
      if (!ok) {
        eddy_fail("store 'counts' holds a value that is not a decimal count");
        break;
      }
      count++;
    }
    char digits[21];
    eddy_bytes count_text = eddy_format_u64(count, digits);
    eddy_store_put(counts, word, count_text);
    eddy_record output = eddy_record_of(&word, &count_text, record->timestamp);
    eddy_forward(&output);
  }
  eddy_words_end(&words);
  return ok;
}

EDDY_PROCESSOR(.init = init, .process = process);
