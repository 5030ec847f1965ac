/* A stateless processor: a filter and a map, as plugins/uppercase-ts.
 *
 * Records without a value, or whose value starts with the config
 * `drop-prefix` (if set), are filtered out; every other value is forwarded
 * uppercased (full Unicode), with the same key, timestamp and headers. */

#include <string.h>

#include "eddy.h"

static bool has_drop_prefix;
static eddy_bytes drop_prefix;
static char drop_prefix_text[256];

static bool init(const eddy_config *config) {
  eddy_bytes value;
  has_drop_prefix = eddy_config_get(config, "drop-prefix", &value);
  if (!has_drop_prefix) return true;
  if (value.length == 0) return eddy_fail("config 'drop-prefix' must not be empty when set");
  if (value.length > sizeof drop_prefix_text) return eddy_fail("config 'drop-prefix' is longer than %zu bytes", sizeof drop_prefix_text);
  /* The config is borrowed for this call: keep a copy. */
  memcpy(drop_prefix_text, value.data, value.length);
  drop_prefix = (eddy_bytes){ (const uint8_t *)drop_prefix_text, value.length };
  return true;
}

static bool process(const eddy_record *record) {
  if (!record->has_value) return true;
  char error[96];
  if (eddy_utf8_error(record->value.data, record->value.length, error, sizeof error)) return eddy_fail("value is not valid UTF-8");
  if (has_drop_prefix && record->value.length >= drop_prefix.length && memcmp(record->value.data, drop_prefix.data, drop_prefix.length) == 0) return true;
  eddy_buffer upper = eddy_uppercase(record->value.data, record->value.length);
  eddy_record output = *record;
  output.value = eddy_view(upper);
  eddy_forward(&output);
  eddy_buffer_free(&upper);
  return true;
}

EDDY_PROCESSOR(.init = init, .process = process);
