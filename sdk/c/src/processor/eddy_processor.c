/* The C SDK's processor world over its generated bindings (sdk/c/bindings/processor/).
 *
 * Owns: implementing the world's exports by calling the plugin's
 * eddy_plugin_processor callbacks, converting records, configs and store
 * entries between eddy.h's types and the generated ones, handing eddy_fail's
 * message to the ABI as the `err` result, and freeing what the ABI hands over.
 * Must never: declare a canonical-ABI function or layout itself (only the
 * generated processor.h/.c do), keep a pointer into a borrowed argument after
 * the call returns, or free memory the host still owns. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eddy.h"
#include "eddy_internal.h"
#include "processor.h"

/* A list the canonical ABI allocated (with cabi_realloc) as an owned buffer.
 * An empty list's pointer is not an allocation: it becomes NULL. */
static eddy_buffer take_list(processor_list_u8_t list) {
  if (list.len == 0) return (eddy_buffer){ NULL, 0 };
  return (eddy_buffer){ list.ptr, list.len };
}

static processor_list_u8_t as_list(eddy_bytes bytes) { return (processor_list_u8_t){ (uint8_t *)bytes.data, bytes.length }; }

static eddy_bytes from_list(processor_list_u8_t list) { return (eddy_bytes){ list.ptr, list.len }; }

/* Hands the pending message to the canonical ABI (its post-return frees it). */
static void take_error(processor_string_t *error, const char *callback) {
  char *message = eddy__take_error();
  if (!message || !message[0]) {
    free(message);
    char fallback[160];
    snprintf(fallback, sizeof fallback, "%s returned false without a message (call eddy_fail)", callback);
    processor_string_dup(error, fallback);
    return;
  }
  error->ptr = (uint8_t *)message;
  error->len = strlen(message);
}

static char *metadata_topic;

static void end_call(void) {
  eddy__clear_error();
  free(metadata_topic);
  metadata_topic = NULL;
}

/* ---- records -------------------------------------------------------------- */

eddy_record eddy_record_of(const eddy_bytes *key, const eddy_bytes *value, int64_t timestamp) {
  eddy_record record = { 0 };
  if (key) { record.has_key = true; record.key = *key; }
  if (value) { record.has_value = true; record.value = *value; }
  record.timestamp = timestamp;
  return record;
}

#define SMALL_HEADERS 8

/* Calls `send` with `record` as the generated type (borrowing its bytes). */
static void with_generated(const eddy_record *record, void (*send)(const char *, eddy_plugin_types_record_t *), const char *child) {
  eddy_plugin_types_header_t small[SMALL_HEADERS];
  eddy_plugin_types_header_t *headers = record->header_count <= SMALL_HEADERS ? small : malloc(record->header_count * sizeof *headers);
  if (!headers) abort();
  for (size_t i = 0; i < record->header_count; i++) {
    headers[i].key = (processor_string_t){ (uint8_t *)record->headers[i].key.data, record->headers[i].key.length };
    headers[i].value = as_list(record->headers[i].value);
  }
  eddy_plugin_types_record_t generated = {
    .key = { record->has_key, as_list(record->key) },
    .value = { record->has_value, as_list(record->value) },
    .timestamp = record->timestamp,
    .headers = { headers, record->header_count },
  };
  send(child, &generated);
  if (headers != small) free(headers);
}

static void send_forward(const char *child, eddy_plugin_types_record_t *record) {
  (void)child;
  eddy_plugin_context_forward(record);
}

static void send_forward_to(const char *child, eddy_plugin_types_record_t *record) {
  processor_string_t name = { (uint8_t *)child, strlen(child) };
  eddy_plugin_context_forward_to(&name, record);
}

void eddy_forward(const eddy_record *record) { with_generated(record, send_forward, NULL); }
void eddy_forward_to(const char *child, const eddy_record *record) { with_generated(record, send_forward_to, child); }

/* ---- the exports ------------------------------------------------------------ */

bool exports_processor_init(processor_config_t *config, processor_string_t *error) {
  eddy_config_entry *entries = config->len ? malloc(config->len * sizeof *entries) : NULL;
  for (size_t i = 0; i < config->len; i++) {
    entries[i].key = (eddy_bytes){ config->ptr[i].f0.ptr, config->ptr[i].f0.len };
    entries[i].value = (eddy_bytes){ config->ptr[i].f1.ptr, config->ptr[i].f1.len };
  }
  eddy_config view = { entries, config->len };
  bool ok = eddy_plugin_processor.init ? eddy_plugin_processor.init(&view) : true;
  if (!ok) take_error(error, "init");
  free(entries);
  processor_config_free(config);
  end_call();
  return ok;
}

bool exports_processor_process(processor_record_t *input, processor_string_t *error) {
  eddy_header small[SMALL_HEADERS];
  size_t count = input->headers.len;
  eddy_header *headers = count <= SMALL_HEADERS ? small : malloc(count * sizeof *headers);
  if (!headers) abort();
  for (size_t i = 0; i < count; i++) {
    headers[i].key = (eddy_bytes){ input->headers.ptr[i].key.ptr, input->headers.ptr[i].key.len };
    headers[i].value = from_list(input->headers.ptr[i].value);
  }
  eddy_record record = {
    .has_key = input->key.is_some, .key = input->key.is_some ? from_list(input->key.val) : (eddy_bytes){ NULL, 0 },
    .has_value = input->value.is_some, .value = input->value.is_some ? from_list(input->value.val) : (eddy_bytes){ NULL, 0 },
    .timestamp = input->timestamp, .headers = headers, .header_count = count,
  };
  bool ok = eddy_plugin_processor.process(&record);
  if (!ok) take_error(error, "process");
  if (headers != small) free(headers);
  processor_record_free(input);
  end_call();
  return ok;
}

bool exports_processor_punctuate(uint32_t id, int64_t timestamp, processor_string_t *error) {
  bool ok = eddy_plugin_processor.punctuate ? eddy_plugin_processor.punctuate(id, timestamp) : true;
  if (!ok) take_error(error, "punctuate");
  end_call();
  return ok;
}

void exports_processor_close(void) {
  if (eddy_plugin_processor.close) eddy_plugin_processor.close();
  end_call();
}

/* ---- context ------------------------------------------------------------------ */

bool eddy_metadata_get(eddy_metadata *metadata) {
  eddy_plugin_context_record_metadata_t generated;
  if (!eddy_plugin_context_metadata(&generated)) return false;
  free(metadata_topic);
  metadata_topic = malloc(generated.topic.len + 1);
  if (!metadata_topic) abort();
  memcpy(metadata_topic, generated.topic.ptr, generated.topic.len);
  metadata_topic[generated.topic.len] = '\0';
  metadata->topic = metadata_topic;
  metadata->partition = generated.partition;
  metadata->offset = generated.offset;
  eddy_plugin_context_record_metadata_free(&generated);
  return true;
}

uint32_t eddy_schedule(uint64_t interval_ms, eddy_punctuation_type kind) {
  return eddy_plugin_context_schedule(interval_ms, kind == EDDY_WALL_CLOCK_TIME ? EDDY_PLUGIN_TYPES_PUNCTUATION_TYPE_WALL_CLOCK_TIME : EDDY_PLUGIN_TYPES_PUNCTUATION_TYPE_STREAM_TIME);
}

void eddy_cancel(uint32_t id) { eddy_plugin_context_cancel(id); }
int64_t eddy_stream_time(void) { return eddy_plugin_context_stream_time(); }
int64_t eddy_wall_clock_time(void) { return eddy_plugin_context_wall_clock_time(); }
void eddy_request_commit(void) { eddy_plugin_context_request_commit(); }

eddy_buffer eddy_application_id(void) {
  processor_string_t id;
  eddy_plugin_context_application_id(&id);
  return take_list((processor_list_u8_t){ id.ptr, id.len });
}

eddy_buffer eddy_task_id(void) {
  processor_string_t id;
  eddy_plugin_context_task_id(&id);
  return take_list((processor_list_u8_t){ id.ptr, id.len });
}

/* ---- key-value stores ------------------------------------------------------------ */

static eddy_plugin_kv_store_borrow_store_t borrow(eddy_store store) {
  return eddy_plugin_kv_store_borrow_store((eddy_plugin_kv_store_own_store_t){ store.handle });
}

void eddy_entry_free(eddy_entry *entry) {
  eddy_buffer_free(&entry->key);
  eddy_buffer_free(&entry->value);
}

bool eddy_store_open(const char *name, eddy_store *store) {
  processor_string_t generated_name = { (uint8_t *)name, strlen(name) };
  eddy_plugin_kv_store_own_store_t handle;
  processor_string_t error;
  if (!eddy_plugin_kv_store_static_store_open(&generated_name, &handle, &error)) {
    eddy_fail("%.*s", (int)error.len, (const char *)error.ptr);
    processor_string_free(&error);
    return false;
  }
  store->handle = handle.__handle;
  return true;
}

bool eddy_store_get(eddy_store store, eddy_bytes key, eddy_buffer *value) {
  processor_list_u8_t generated_key = as_list(key), result;
  if (!eddy_plugin_kv_store_method_store_get(borrow(store), &generated_key, &result)) return false;
  *value = take_list(result);
  return true;
}

void eddy_store_put(eddy_store store, eddy_bytes key, eddy_bytes value) {
  processor_list_u8_t generated_key = as_list(key), generated_value = as_list(value);
  eddy_plugin_kv_store_method_store_put(borrow(store), &generated_key, &generated_value);
}

bool eddy_store_delete(eddy_store store, eddy_bytes key, eddy_buffer *previous) {
  processor_list_u8_t generated_key = as_list(key), result;
  if (!eddy_plugin_kv_store_method_store_delete(borrow(store), &generated_key, &result)) return false;
  eddy_buffer owned = take_list(result);
  if (previous) *previous = owned;
  else eddy_buffer_free(&owned);
  return true;
}

uint64_t eddy_store_count(eddy_store store) { return eddy_plugin_kv_store_method_store_approximate_num_entries(borrow(store)); }

/* Entries fetched from the host per call of the iterator's `next`. */
#define ITERATOR_BATCH 256

static eddy_iterator iterator_of(eddy_plugin_kv_store_own_key_value_iterator_t handle) {
  return (eddy_iterator){ .handle = handle.__handle };
}

eddy_iterator eddy_store_range(eddy_store store, const eddy_bytes *lower, const eddy_bytes *upper) {
  processor_list_u8_t generated_lower = lower ? as_list(*lower) : (processor_list_u8_t){ 0 };
  processor_list_u8_t generated_upper = upper ? as_list(*upper) : (processor_list_u8_t){ 0 };
  return iterator_of(eddy_plugin_kv_store_method_store_range(borrow(store), lower ? &generated_lower : NULL, upper ? &generated_upper : NULL));
}

eddy_iterator eddy_store_prefix_scan(eddy_store store, eddy_bytes prefix) {
  processor_list_u8_t generated_prefix = as_list(prefix);
  return iterator_of(eddy_plugin_kv_store_method_store_prefix_scan(borrow(store), &generated_prefix));
}

static void free_batch(eddy_iterator *iterator) {
  for (size_t i = 0; i < iterator->count; i++) eddy_entry_free(&iterator->batch[i]);
  free(iterator->batch);
  iterator->batch = NULL;
  iterator->count = iterator->next = 0;
}

bool eddy_iterator_next(eddy_iterator *iterator, const eddy_entry **entry) {
  if (iterator->next == iterator->count) {
    free_batch(iterator);
    if (iterator->done) return false;
    eddy_plugin_kv_store_list_key_value_t list;
    eddy_plugin_kv_store_method_key_value_iterator_next(
        eddy_plugin_kv_store_borrow_key_value_iterator((eddy_plugin_kv_store_own_key_value_iterator_t){ iterator->handle }), ITERATOR_BATCH, &list);
    if (list.len == 0) {
      iterator->done = true;
      return false;
    }
    iterator->batch = malloc(list.len * sizeof *iterator->batch);
    if (!iterator->batch) abort();
    for (size_t i = 0; i < list.len; i++) {
      iterator->batch[i].key = take_list(list.ptr[i].key);
      iterator->batch[i].value = take_list(list.ptr[i].value);
    }
    iterator->count = list.len;
    free(list.ptr); /* the entries' bytes now belong to the batch */
  }
  *entry = &iterator->batch[iterator->next++];
  return true;
}

void eddy_iterator_close(eddy_iterator *iterator) {
  free_batch(iterator);
  if (iterator->handle >= 0) {
    eddy_plugin_kv_store_key_value_iterator_drop_own((eddy_plugin_kv_store_own_key_value_iterator_t){ iterator->handle });
    iterator->handle = -1;
  }
  iterator->done = true;
}


/* ---- logging ------------------------------------------------------------------------ */

void eddy__log_line(eddy_log_level level, const char *text, size_t length) {
  processor_string_t message = { (uint8_t *)text, length };
  eddy_plugin_log_log((eddy_plugin_log_level_t)level, &message);
}
