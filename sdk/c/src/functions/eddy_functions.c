/* The C SDK's functions world over its generated bindings (sdk/c/bindings/functions/).
 *
 * Owns: the registry of named functions (filled once by the plugin's
 * EDDY_FUNCTIONS function in `init`), dispatching each export by index with
 * a kind check, collecting what a callback writes to its eddy_out and handing
 * it to the canonical ABI, and freeing the inputs the ABI hands over.
 * Must never: declare a canonical-ABI layout itself, keep an input after the
 * call, or return a result of another shape than the kind's. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eddy_functions.h"
#include "eddy_internal.h"
#include "functions.h"

typedef exports_eddy_plugin_dsl_functions_function_kind_t function_kind;

static const char *const kind_names[] = {
  "predicate", "key-value-mapper", "value-mapper", "key-selector", "flat-mapper", "flat-value-mapper", "initializer",
  "aggregator", "reducer", "value-joiner", "action", "merger", "topic-name-extractor", "timestamp-extractor",
};

typedef struct {
  char *name;
  function_kind kind;
  void (*function)(void);
} registered;

struct eddy_registry {
  registered *entries;
  size_t count, capacity;
};

static eddy_registry registry;

static void add(eddy_registry *target, const char *name, function_kind kind, void (*function)(void)) {
  if (target->count == target->capacity) {
    target->capacity = target->capacity ? target->capacity * 2 : 16;
    target->entries = realloc(target->entries, target->capacity * sizeof *target->entries);
    if (!target->entries) abort();
  }
  char *copy = strdup(name);
  if (!copy) abort();
  target->entries[target->count++] = (registered){ copy, kind, function };
}

#define REGISTER(suffix, type, KIND) \
  void eddy_register_##suffix(eddy_registry *target, const char *name, type function) { \
    add(target, name, EXPORTS_EDDY_PLUGIN_DSL_FUNCTIONS_FUNCTION_KIND_##KIND, (void (*)(void))function); \
  }
REGISTER(predicate, eddy_predicate, PREDICATE)
REGISTER(key_value_mapper, eddy_key_value_mapper, KEY_VALUE_MAPPER)
REGISTER(value_mapper, eddy_value_mapper, VALUE_MAPPER)
REGISTER(key_selector, eddy_key_selector, KEY_SELECTOR)
REGISTER(flat_mapper, eddy_flat_mapper, FLAT_MAPPER)
REGISTER(flat_value_mapper, eddy_flat_value_mapper, FLAT_VALUE_MAPPER)
REGISTER(initializer, eddy_initializer, INITIALIZER)
REGISTER(aggregator, eddy_aggregator, AGGREGATOR)
REGISTER(reducer, eddy_reducer, REDUCER)
REGISTER(value_joiner, eddy_value_joiner, VALUE_JOINER)
REGISTER(action, eddy_action, ACTION)
REGISTER(merger, eddy_merger, MERGER)
REGISTER(topic_name_extractor, eddy_topic_name_extractor, TOPIC_NAME_EXTRACTOR)
REGISTER(timestamp_extractor, eddy_timestamp_extractor, TIMESTAMP_EXTRACTOR)

/* ---- outputs ------------------------------------------------------------- */

typedef struct {
  bool is_pair;
  bool has_key, has_value;
  functions_list_u8_t key, value;
} out_item;

struct eddy_out {
  out_item *items;
  size_t count, capacity;
  size_t single_calls;
};

static functions_list_u8_t copy_list(const eddy_bytes *bytes) {
  if (!bytes || bytes->length == 0) return (functions_list_u8_t){ NULL, 0 };
  uint8_t *data = malloc(bytes->length);
  if (!data) abort();
  memcpy(data, bytes->data, bytes->length);
  return (functions_list_u8_t){ data, bytes->length };
}

static void push(eddy_out *out, bool is_pair, const eddy_bytes *key, const eddy_bytes *value) {
  if (out->count == out->capacity) {
    out->capacity = out->capacity ? out->capacity * 2 : 8;
    out->items = realloc(out->items, out->capacity * sizeof *out->items);
    if (!out->items) abort();
  }
  out->items[out->count++] = (out_item){ is_pair, key != NULL, value != NULL, copy_list(key), copy_list(value) };
}

void eddy_out_value(eddy_out *out, const eddy_bytes *value) {
  out->single_calls++;
  push(out, false, NULL, value);
}
void eddy_out_append_value(eddy_out *out, const eddy_bytes *value) { push(out, false, NULL, value); }
void eddy_out_pair(eddy_out *out, const eddy_bytes *key, const eddy_bytes *value) { push(out, true, key, value); }
void eddy_out_text(eddy_out *out, const char *text) {
  eddy_bytes bytes = eddy_text(text);
  eddy_out_value(out, &bytes);
}
void eddy_out_append_text(eddy_out *out, const char *text) {
  eddy_bytes bytes = eddy_text(text);
  eddy_out_append_value(out, &bytes);
}
void eddy_out_printf(eddy_out *out, const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  int length = vsnprintf(NULL, 0, format, arguments);
  va_end(arguments);
  char *text = malloc(length < 0 ? 1 : (size_t)length + 1);
  if (!text) abort();
  va_start(arguments, format);
  vsnprintf(text, length < 0 ? 1 : (size_t)length + 1, format, arguments);
  va_end(arguments);
  eddy_out_text(out, text);
  free(text);
}

static void out_free(eddy_out *out) {
  for (size_t i = 0; i < out->count; i++) {
    free(out->items[i].key.ptr);
    free(out->items[i].value.ptr);
  }
  free(out->items);
  *out = (eddy_out){ 0 };
}

/* ---- calls ----------------------------------------------------------------- */

static const registered *current;

static bool fail_with(functions_string_t *error, const char *format, ...) __attribute__((format(printf, 2, 3)));
static bool fail_with(functions_string_t *error, const char *format, ...) {
  char message[400];
  va_list arguments;
  va_start(arguments, format);
  vsnprintf(message, sizeof message, format, arguments);
  va_end(arguments);
  functions_string_dup(error, message);
  return false;
}

/* Looks up function `index` and checks its kind. */
static bool find(uint32_t index, function_kind kind, functions_string_t *error) {
  if (index >= registry.count) return fail_with(error, "no function %u: the plugin registered %zu", index, registry.count);
  current = &registry.entries[index];
  if (current->kind != kind) return fail_with(error, "function '%s' is a %s, not a %s", current->name, kind_names[current->kind], kind_names[kind]);
  return true;
}

/* After a callback: its eddy_fail message (or a fallback) as the error. */
static bool finish(bool ok, functions_string_t *error) {
  char *message = eddy__take_error();
  if (ok) {
    free(message);
    return true;
  }
  if (!message || !message[0]) {
    free(message);
    return fail_with(error, "%s '%s' returned false without a message (call eddy_fail)", kind_names[current->kind], current->name);
  }
  error->ptr = (uint8_t *)message;
  error->len = strlen(message);
  return false;
}

typedef struct {
  eddy_bytes bytes;
  const eddy_bytes *pointer;
} input;

/* A borrowed view of an optional input: `name.pointer` is NULL for none. */
#define IN(name, list) \
  input name = { { (list) ? (list)->ptr : NULL, (list) ? (list)->len : 0 }, NULL }; \
  if (list) name.pointer = &name.bytes
static void release(functions_list_u8_t *list) {
  if (list) functions_list_u8_free(list);
}

/* The single result of `out` as an option<list<u8>>. */
static bool single(eddy_out *out, functions_option_list_u8_t *result, functions_string_t *error) {
  if (out->count > 1 || out->single_calls != out->count || (out->count == 1 && out->items[0].is_pair)) {
    bool ok = fail_with(error, "%s '%s' gave %zu results: call eddy_out_value once (or not at all for null)", kind_names[current->kind], current->name, out->count);
    out_free(out);
    return ok;
  }
  *result = (functions_option_list_u8_t){ 0 };
  if (out->count == 1 && out->items[0].has_value) {
    result->is_some = true;
    result->val = out->items[0].value;
    out->items[0].value = (functions_list_u8_t){ NULL, 0 };
  }
  out_free(out);
  return true;
}

static functions_option_list_u8_t option_of(bool present, functions_list_u8_t *list) {
  functions_option_list_u8_t option = { present, present ? *list : (functions_list_u8_t){ NULL, 0 } };
  *list = (functions_list_u8_t){ NULL, 0 };
  return option;
}

/* ---- the exports ------------------------------------------------------------- */

bool exports_eddy_plugin_dsl_functions_init(exports_eddy_plugin_dsl_functions_config_t *config, functions_string_t *error) {
  eddy_config_entry *entries = config->len ? malloc(config->len * sizeof *entries) : NULL;
  for (size_t i = 0; i < config->len; i++) {
    entries[i].key = (eddy_bytes){ config->ptr[i].f0.ptr, config->ptr[i].f0.len };
    entries[i].value = (eddy_bytes){ config->ptr[i].f1.ptr, config->ptr[i].f1.len };
  }
  eddy_config view = { entries, config->len };
  bool ok = eddy_plugin_functions(&view, &registry);
  char *message = eddy__take_error();
  if (!ok) {
    if (message && message[0]) {
      error->ptr = (uint8_t *)message;
      error->len = strlen(message);
      message = NULL;
    } else functions_string_dup(error, "registering the functions returned false without a message (call eddy_fail)");
  }
  free(message);
  free(entries);
  exports_eddy_plugin_dsl_functions_config_free(config);
  return ok;
}

void exports_eddy_plugin_dsl_functions_functions(exports_eddy_plugin_dsl_functions_list_function_info_t *result) {
  result->len = registry.count;
  result->ptr = registry.count ? malloc(registry.count * sizeof *result->ptr) : NULL;
  for (size_t i = 0; i < registry.count; i++) {
    functions_string_dup(&result->ptr[i].name, registry.entries[i].name);
    result->ptr[i].kind = registry.entries[i].kind;
  }
}

bool exports_eddy_plugin_dsl_functions_test(uint32_t index, functions_list_u8_t *key, functions_list_u8_t *value, bool *result, functions_string_t *error) {
  bool ok = find(index, EXPORTS_EDDY_PLUGIN_DSL_FUNCTIONS_FUNCTION_KIND_PREDICATE, error);
  if (ok) {
    IN(k, key); IN(v, value);
    *result = false;
    ok = finish(((eddy_predicate)current->function)(k.pointer, v.pointer, result), error);
  }
  release(key); release(value);
  return ok;
}

bool exports_eddy_plugin_dsl_functions_map(uint32_t index, functions_list_u8_t *key, functions_list_u8_t *value, exports_eddy_plugin_dsl_functions_key_value_pair_t *result, functions_string_t *error) {
  bool ok = find(index, EXPORTS_EDDY_PLUGIN_DSL_FUNCTIONS_FUNCTION_KIND_KEY_VALUE_MAPPER, error);
  if (ok) {
    IN(k, key); IN(v, value);
    eddy_out out = { 0 };
    ok = finish(((eddy_key_value_mapper)current->function)(k.pointer, v.pointer, &out), error);
    if (ok && (out.count != 1 || !out.items[0].is_pair)) {
      ok = fail_with(error, "key-value-mapper '%s' gave %zu results: call eddy_out_pair once", current->name, out.count);
    } else if (ok) {
      result->key = option_of(out.items[0].has_key, &out.items[0].key);
      result->value = option_of(out.items[0].has_value, &out.items[0].value);
    }
    out_free(&out);
  }
  release(key); release(value);
  return ok;
}

static bool map_single(uint32_t index, function_kind kind, functions_list_u8_t *key, functions_list_u8_t *value, functions_option_list_u8_t *result, functions_string_t *error) {
  bool ok = find(index, kind, error);
  if (ok) {
    IN(k, key); IN(v, value);
    eddy_out out = { 0 };
    ok = finish(((eddy_value_mapper)current->function)(k.pointer, v.pointer, &out), error);
    if (ok) ok = single(&out, result, error);
    else out_free(&out);
  }
  release(key); release(value);
  return ok;
}

bool exports_eddy_plugin_dsl_functions_map_value(uint32_t index, functions_list_u8_t *key, functions_list_u8_t *value, functions_option_list_u8_t *result, functions_string_t *error) {
  return map_single(index, EXPORTS_EDDY_PLUGIN_DSL_FUNCTIONS_FUNCTION_KIND_VALUE_MAPPER, key, value, result, error);
}

bool exports_eddy_plugin_dsl_functions_select_key(uint32_t index, functions_list_u8_t *key, functions_list_u8_t *value, functions_option_list_u8_t *result, functions_string_t *error) {
  return map_single(index, EXPORTS_EDDY_PLUGIN_DSL_FUNCTIONS_FUNCTION_KIND_KEY_SELECTOR, key, value, result, error);
}

bool exports_eddy_plugin_dsl_functions_flat_map(uint32_t index, functions_list_u8_t *key, functions_list_u8_t *value, exports_eddy_plugin_dsl_functions_list_key_value_pair_t *result, functions_string_t *error) {
  bool ok = find(index, EXPORTS_EDDY_PLUGIN_DSL_FUNCTIONS_FUNCTION_KIND_FLAT_MAPPER, error);
  if (ok) {
    IN(k, key); IN(v, value);
    eddy_out out = { 0 };
    ok = finish(((eddy_flat_mapper)current->function)(k.pointer, v.pointer, &out), error);
    for (size_t i = 0; ok && i < out.count; i++) {
      if (!out.items[i].is_pair) ok = fail_with(error, "flat-mapper '%s' gave a value without a key: call eddy_out_pair", current->name);
    }
    if (ok) {
      result->len = out.count;
      result->ptr = out.count ? malloc(out.count * sizeof *result->ptr) : NULL;
      for (size_t i = 0; i < out.count; i++) {
        result->ptr[i].key = option_of(out.items[i].has_key, &out.items[i].key);
        result->ptr[i].value = option_of(out.items[i].has_value, &out.items[i].value);
      }
    }
    out_free(&out);
  }
  release(key); release(value);
  return ok;
}

bool exports_eddy_plugin_dsl_functions_flat_map_values(uint32_t index, functions_list_u8_t *key, functions_list_u8_t *value, functions_list_option_list_u8_t *result, functions_string_t *error) {
  bool ok = find(index, EXPORTS_EDDY_PLUGIN_DSL_FUNCTIONS_FUNCTION_KIND_FLAT_VALUE_MAPPER, error);
  if (ok) {
    IN(k, key); IN(v, value);
    eddy_out out = { 0 };
    ok = finish(((eddy_flat_value_mapper)current->function)(k.pointer, v.pointer, &out), error);
    for (size_t i = 0; ok && i < out.count; i++) {
      if (out.items[i].is_pair) ok = fail_with(error, "flat-value-mapper '%s' gave a pair: call eddy_out_append_value", current->name);
    }
    if (ok) {
      result->len = out.count;
      result->ptr = out.count ? malloc(out.count * sizeof *result->ptr) : NULL;
      for (size_t i = 0; i < out.count; i++) result->ptr[i] = option_of(out.items[i].has_value, &out.items[i].value);
    }
    out_free(&out);
  }
  release(key); release(value);
  return ok;
}

bool exports_eddy_plugin_dsl_functions_initialize(uint32_t index, functions_option_list_u8_t *result, functions_string_t *error) {
  if (!find(index, EXPORTS_EDDY_PLUGIN_DSL_FUNCTIONS_FUNCTION_KIND_INITIALIZER, error)) return false;
  eddy_out out = { 0 };
  if (!finish(((eddy_initializer)current->function)(&out), error)) {
    out_free(&out);
    return false;
  }
  return single(&out, result, error);
}

/* Aggregator, value joiner and merger: (key, a, b) → one result. */
static bool three(uint32_t index, function_kind kind, functions_list_u8_t *first, functions_list_u8_t *second, functions_list_u8_t *third, functions_option_list_u8_t *result, functions_string_t *error) {
  bool ok = find(index, kind, error);
  if (ok) {
    IN(a, first); IN(b, second); IN(c, third);
    eddy_out out = { 0 };
    ok = finish(((eddy_aggregator)current->function)(a.pointer, b.pointer, c.pointer, &out), error);
    if (ok) ok = single(&out, result, error);
    else out_free(&out);
  }
  release(first); release(second); release(third);
  return ok;
}

bool exports_eddy_plugin_dsl_functions_aggregate(uint32_t index, functions_list_u8_t *key, functions_list_u8_t *value, functions_list_u8_t *aggregate, functions_option_list_u8_t *result, functions_string_t *error) {
  return three(index, EXPORTS_EDDY_PLUGIN_DSL_FUNCTIONS_FUNCTION_KIND_AGGREGATOR, key, value, aggregate, result, error);
}

bool exports_eddy_plugin_dsl_functions_reduce(uint32_t index, functions_list_u8_t *aggregate, functions_list_u8_t *value, functions_option_list_u8_t *result, functions_string_t *error) {
  bool ok = find(index, EXPORTS_EDDY_PLUGIN_DSL_FUNCTIONS_FUNCTION_KIND_REDUCER, error);
  if (ok) {
    IN(a, aggregate); IN(v, value);
    eddy_out out = { 0 };
    ok = finish(((eddy_reducer)current->function)(a.pointer, v.pointer, &out), error);
    if (ok) ok = single(&out, result, error);
    else out_free(&out);
  }
  release(aggregate); release(value);
  return ok;
}

bool exports_eddy_plugin_dsl_functions_join(uint32_t index, functions_list_u8_t *key, functions_list_u8_t *left, functions_list_u8_t *right, functions_option_list_u8_t *result, functions_string_t *error) {
  return three(index, EXPORTS_EDDY_PLUGIN_DSL_FUNCTIONS_FUNCTION_KIND_VALUE_JOINER, key, left, right, result, error);
}

bool exports_eddy_plugin_dsl_functions_act(uint32_t index, functions_list_u8_t *key, functions_list_u8_t *value, functions_string_t *error) {
  bool ok = find(index, EXPORTS_EDDY_PLUGIN_DSL_FUNCTIONS_FUNCTION_KIND_ACTION, error);
  if (ok) {
    IN(k, key); IN(v, value);
    ok = finish(((eddy_action)current->function)(k.pointer, v.pointer), error);
  }
  release(key); release(value);
  return ok;
}

bool exports_eddy_plugin_dsl_functions_merge(uint32_t index, functions_list_u8_t *key, functions_list_u8_t *aggregate1, functions_list_u8_t *aggregate2, functions_option_list_u8_t *result, functions_string_t *error) {
  return three(index, EXPORTS_EDDY_PLUGIN_DSL_FUNCTIONS_FUNCTION_KIND_MERGER, key, aggregate1, aggregate2, result, error);
}

bool exports_eddy_plugin_dsl_functions_extract_topic(uint32_t index, functions_list_u8_t *key, functions_list_u8_t *value, functions_string_t *source_topic, functions_string_t *result, functions_string_t *error) {
  bool ok = find(index, EXPORTS_EDDY_PLUGIN_DSL_FUNCTIONS_FUNCTION_KIND_TOPIC_NAME_EXTRACTOR, error);
  if (ok) {
    IN(k, key); IN(v, value);
    eddy_out out = { 0 };
    ok = finish(((eddy_topic_name_extractor)current->function)(k.pointer, v.pointer, (eddy_bytes){ source_topic->ptr, source_topic->len }, &out), error);
    if (ok && (out.count != 1 || out.items[0].is_pair || !out.items[0].has_value)) {
      ok = fail_with(error, "topic-name-extractor '%s' must give one topic name: call eddy_out_text once", current->name);
    } else if (ok && eddy_utf8_check(out.items[0].value.ptr, out.items[0].value.len, NULL, NULL) == false) {
      ok = fail_with(error, "topic-name-extractor '%s' gave a topic name that is not UTF-8", current->name);
    } else if (ok) {
      result->ptr = out.items[0].value.ptr;
      result->len = out.items[0].value.len;
      out.items[0].value = (functions_list_u8_t){ NULL, 0 };
    }
    out_free(&out);
  }
  release(key); release(value);
  functions_string_free(source_topic);
  return ok;
}

bool exports_eddy_plugin_dsl_functions_extract_timestamp(uint32_t index, functions_list_u8_t *key, functions_list_u8_t *value, int64_t timestamp, int64_t partition_time, int64_t *result, functions_string_t *error) {
  bool ok = find(index, EXPORTS_EDDY_PLUGIN_DSL_FUNCTIONS_FUNCTION_KIND_TIMESTAMP_EXTRACTOR, error);
  if (ok) {
    IN(k, key); IN(v, value);
    *result = timestamp;
    ok = finish(((eddy_timestamp_extractor)current->function)(k.pointer, v.pointer, timestamp, partition_time, result), error);
  }
  release(key); release(value);
  return ok;
}

/* ---- logging ------------------------------------------------------------------ */

void eddy__log_line(eddy_log_level level, const char *text, size_t length) {
  functions_string_t message = { (uint8_t *)text, length };
  eddy_plugin_log_log((eddy_plugin_log_level_t)level, &message);
}
