/* What every world's C SDK shares (eddy_common.h): bytes, config lookup,
 * the pending error of eddy_fail, printf-style logging and numbers as text.
 *
 * Owns: world-independent helpers and the one pending error message.
 * Must never: include a world's generated bindings (logging reaches the
 * host through eddy__log_line, which each world's .c implements). */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eddy_common.h"
#include "eddy_internal.h"

/* ---- bytes ------------------------------------------------------------- */

void eddy_buffer_free(eddy_buffer *buffer) {
  free(buffer->data);
  buffer->data = NULL;
  buffer->length = 0;
}

eddy_bytes eddy_text(const char *text) { return (eddy_bytes){ (const uint8_t *)text, strlen(text) }; }

bool eddy_bytes_equal_text(eddy_bytes a, const char *text) {
  size_t length = strlen(text);
  return a.length == length && (length == 0 || memcmp(a.data, text, length) == 0);
}

/* ---- errors ------------------------------------------------------------ */

static char *pending_error;

bool eddy_fail(const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  char *message = NULL;
  int length = vsnprintf(NULL, 0, format, arguments);
  va_end(arguments);
  if (length >= 0 && (message = malloc((size_t)length + 1))) {
    va_start(arguments, format);
    vsnprintf(message, (size_t)length + 1, format, arguments);
    va_end(arguments);
  }
  free(pending_error);
  pending_error = message;
  return false;
}

char *eddy__take_error(void) {
  char *message = pending_error;
  pending_error = NULL;
  return message;
}

void eddy__clear_error(void) {
  free(pending_error);
  pending_error = NULL;
}

/* ---- configuration ------------------------------------------------------------ */

bool eddy_config_get(const eddy_config *config, const char *key, eddy_bytes *value) {
  bool found = false;
  for (size_t i = 0; i < config->count; i++) {
    if (eddy_bytes_equal_text(config->entries[i].key, key)) {
      *value = config->entries[i].value;
      found = true;
    }
  }
  return found;
}

/* ---- logging ------------------------------------------------------------------------ */

void eddy_vlog(eddy_log_level level, const char *format, va_list arguments) {
  char small[512];
  va_list copy;
  va_copy(copy, arguments);
  int length = vsnprintf(small, sizeof small, format, arguments);
  char *text = small;
  if (length >= (int)sizeof small) {
    text = malloc((size_t)length + 1);
    if (!text) abort();
    vsnprintf(text, (size_t)length + 1, format, copy);
  }
  va_end(copy);
  eddy__log_line(level, text, length < 0 ? 0 : (size_t)length);
  if (text != small) free(text);
}

void eddy_log(eddy_log_level level, const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  eddy_vlog(level, format, arguments);
  va_end(arguments);
}

/* ---- numbers as text ------------------------------------------------------------------ */

bool eddy_parse_u64(eddy_bytes text, uint64_t *value) {
  size_t index = 0;
  if (text.length > 0 && text.data[0] == '+') index = 1;
  if (index == text.length) return false;
  uint64_t result = 0;
  for (; index < text.length; index++) {
    uint8_t digit = text.data[index];
    if (digit < '0' || digit > '9') return false;
    if (result > (UINT64_MAX - (digit - '0')) / 10) return false;
    result = result * 10 + (digit - '0');
  }
  *value = result;
  return true;
}

eddy_bytes eddy_format_u64(uint64_t value, char out[21]) {
  char reversed[20];
  size_t length = 0;
  do {
    reversed[length++] = (char)('0' + value % 10);
    value /= 10;
  } while (value);
  for (size_t i = 0; i < length; i++) out[i] = reversed[length - 1 - i];
  out[length] = '\0';
  return (eddy_bytes){ (const uint8_t *)out, length };
}
