/* eddy_common.h — what every world's C SDK shares: bytes, config, errors,
 * logging, numbers as text and Unicode words (included by eddy.h and
 * eddy_functions.h; include one of those).
 *
 * Owns: world-independent types and helpers.
 * Must never: name a world's generated type (each world's .c implements
 * logging over its own bindings). */
#ifndef EDDY_COMMON_H
#define EDDY_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- bytes ------------------------------------------------------------- */

/** Borrowed bytes. */
typedef struct eddy_bytes {
  const uint8_t *data;
  size_t length;
} eddy_bytes;

/** Owned bytes (malloc'd): free with eddy_buffer_free. */
typedef struct eddy_buffer {
  uint8_t *data;
  size_t length;
} eddy_buffer;

void eddy_buffer_free(eddy_buffer *buffer);
/** Borrowed bytes of a NUL-terminated string (without the NUL). */
eddy_bytes eddy_text(const char *text);
/** Borrowed view of an owned buffer. */
static inline eddy_bytes eddy_view(eddy_buffer buffer) { return (eddy_bytes){ buffer.data, buffer.length }; }
/** Whether `a` and the NUL-terminated `text` hold the same bytes. */
bool eddy_bytes_equal_text(eddy_bytes a, const char *text);

/* ---- configuration -------------------------------------------------------- */

typedef struct eddy_config_entry {
  eddy_bytes key;   /* UTF-8 */
  eddy_bytes value; /* UTF-8 */
} eddy_config_entry;

/** The node's `config` section, in the order written. */
typedef struct eddy_config {
  const eddy_config_entry *entries;
  size_t count;
} eddy_config;

/** The value of `key` in `config`, if present (the last one if repeated). */
bool eddy_config_get(const eddy_config *config, const char *key, eddy_bytes *value);

/* ---- errors --------------------------------------------------------------- */

/**
 * Callbacks return true on success. On failure they return false after
 * setting a message, e.g. `return eddy_fail("bad count %d", n);`: the host
 * reports it with the node (or DSL step) and the record's offset (an `err` result).
 */
bool eddy_fail(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* ---- logging ---------------------------------------------------------------- */

typedef enum eddy_log_level {
  EDDY_TRACE = 0,
  EDDY_DEBUG = 1,
  EDDY_INFO = 2,
  EDDY_WARN = 3,
  EDDY_ERROR = 4,
} eddy_log_level;

/** One line to the host's log (tenant, application, task and node attached). */
void eddy_log(eddy_log_level level, const char *format, ...) __attribute__((format(printf, 2, 3)));
void eddy_vlog(eddy_log_level level, const char *format, va_list arguments);

/* ---- numbers as text -------------------------------------------------------- */

/** Parses an unsigned decimal (Rust's u64 `parse`: optional '+', digits, no overflow). */
bool eddy_parse_u64(eddy_bytes text, uint64_t *value);
/** Writes `value` in decimal into `out` (at least 21 bytes); returns its bytes. */
eddy_bytes eddy_format_u64(uint64_t value, char out[21]);

/* ---- Unicode (generated tables, Unicode as Rust's std) ----------------------- */

/** Alphabetic or Numeric: Rust's `c.is_alphabetic() || c.is_numeric()`. */
bool eddy_is_word_character(uint32_t code_point);
/** Whether `text` is valid UTF-8; else where it stops and the error's length (0: incomplete at the end), as Rust's Utf8Error. */
bool eddy_utf8_check(const uint8_t *text, size_t length, size_t *valid_up_to, size_t *error_length);
/** If `text` is not valid UTF-8, writes Rust's Utf8Error message into `message` and returns true. */
bool eddy_utf8_error(const uint8_t *text, size_t length, char *message, size_t size);
/** Rust's `str::to_lowercase` of valid UTF-8 (full mapping, Final_Sigma); owned. */
eddy_buffer eddy_lowercase(const uint8_t *text, size_t length);
/** Full Unicode uppercase of valid UTF-8 (JavaScript's `toUpperCase`, Rust's `to_uppercase`); owned. */
eddy_buffer eddy_uppercase(const uint8_t *text, size_t length);

/** The lowercase words of a line: maximal runs of word characters of its lowercase. */
typedef struct eddy_words {
  eddy_buffer lower;
  size_t position;
} eddy_words;

/** Starts splitting valid UTF-8 `text` (check it with eddy_utf8_error first). */
void eddy_words_begin(eddy_words *words, const uint8_t *text, size_t length);
/** The next word (borrowed until eddy_words_end); false when there is none. */
bool eddy_words_next(eddy_words *words, eddy_bytes *word);
void eddy_words_end(eddy_words *words);

#ifdef __cplusplus
}
#endif
#endif
