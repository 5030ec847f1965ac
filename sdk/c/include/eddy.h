/* eddy.h — write Eddy plugins in C: the `processor` world of wit/ as plain C.
 *
 * Owns: the C SDK's public surface — a processor as a struct of callbacks
 * (EDDY_PROCESSOR), records that borrow the host's bytes, key-value stores
 * (get/put/delete/range/prefix scan), forwarding, punctuators, metadata,
 * and, through eddy_common.h, bytes, config, errors, logging and Unicode words.
 * Must never: expose or restate the canonical ABI (the generated bindings in
 * sdk/c/bindings/ own it; this layer only converts to and from their types),
 * or hand the host a pointer it does not own or borrow for the call.
 *
 * Memory: what the SDK passes to a callback (a record, a config) is borrowed
 * for that call. What it returns to you (eddy_buffer, eddy_entry) is yours:
 * free it with eddy_buffer_free / eddy_entry_free. */
#ifndef EDDY_H
#define EDDY_H

#include "eddy_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- records ------------------------------------------------------------ */

/** One Kafka record header (keys may repeat; order is kept). `key` is UTF-8. */
typedef struct eddy_header {
  eddy_bytes key;
  eddy_bytes value;
} eddy_header;

/** A record. `has_key == false` is a null key; `has_value == false` a null value (a tombstone). */
typedef struct eddy_record {
  bool has_key;
  eddy_bytes key;
  bool has_value;
  eddy_bytes value;
  /** Event time, milliseconds since the epoch. */
  int64_t timestamp;
  const eddy_header *headers;
  size_t header_count;
} eddy_record;

/** A record with this key, value and timestamp and no headers (NULL key/value = null). */
eddy_record eddy_record_of(const eddy_bytes *key, const eddy_bytes *value, int64_t timestamp);

/** Topic, partition and offset of the input record being processed. */
typedef struct eddy_metadata {
  char *topic; /* owned by the SDK until the callback returns */
  int32_t partition;
  int64_t offset;
} eddy_metadata;

/* ---- the processor -------------------------------------------------------- */

typedef enum eddy_punctuation_type {
  EDDY_STREAM_TIME = 0,
  EDDY_WALL_CLOCK_TIME = 1,
} eddy_punctuation_type;

/** A processor: every callback may be NULL except `process`. */
typedef struct eddy_processor {
  /** Once per instance, before any record. Returning false rejects the config. */
  bool (*init)(const eddy_config *config);
  /** Once per input record; forward outputs with eddy_forward while it runs. */
  bool (*process)(const eddy_record *record);
  /** When punctuator `id` (from eddy_schedule) is due. */
  bool (*punctuate)(uint32_t id, int64_t timestamp);
  /** Once when the task closes; stores are still open. */
  void (*close)(void);
} eddy_processor;

/** The plugin's processor: define it once with EDDY_PROCESSOR(.process = …, …). */
extern const eddy_processor eddy_plugin_processor;
#define EDDY_PROCESSOR(...) const eddy_processor eddy_plugin_processor = { __VA_ARGS__ }

/* ---- context ------------------------------------------------------------- */

/** Sends a record to every child (depth-first: it has gone through the graph when this returns). */
void eddy_forward(const eddy_record *record);
/** Sends a record to the child named `child` (an unknown name traps the plugin). */
void eddy_forward_to(const char *child, const eddy_record *record);
/** Metadata of the record being processed; false while a punctuator fires. */
bool eddy_metadata_get(eddy_metadata *metadata);
/** Schedules `punctuate` every `interval_ms` (≥ 1); returns its id. */
uint32_t eddy_schedule(uint64_t interval_ms, eddy_punctuation_type kind);
void eddy_cancel(uint32_t id);
int64_t eddy_stream_time(void);
int64_t eddy_wall_clock_time(void);
void eddy_request_commit(void);
/** The application id this node runs in (owned). */
eddy_buffer eddy_application_id(void);
/** The task id, e.g. `0_3` (owned). */
eddy_buffer eddy_task_id(void);

/* ---- key-value stores ----------------------------------------------------- */

/** An open key-value store (a handle; keys ordered by unsigned bytes). */
typedef struct eddy_store {
  int32_t handle;
} eddy_store;

/** One entry of a store: owned, free with eddy_entry_free. */
typedef struct eddy_entry {
  eddy_buffer key;
  eddy_buffer value;
} eddy_entry;

void eddy_entry_free(eddy_entry *entry);

/** Opens store `name`; false (with eddy_fail's message set) if this node may not use it. */
bool eddy_store_open(const char *name, eddy_store *store);
/** The value under `key` into `*value` (owned); false if absent. */
bool eddy_store_get(eddy_store store, eddy_bytes key, eddy_buffer *value);
void eddy_store_put(eddy_store store, eddy_bytes key, eddy_bytes value);
/** Removes `key`; if `previous` is not NULL and the key existed, its value goes there (owned). Returns whether it existed. */
bool eddy_store_delete(eddy_store store, eddy_bytes key, eddy_buffer *previous);
uint64_t eddy_store_count(eddy_store store);

/** A cursor over entries in key order; fetches from the host in batches. */
typedef struct eddy_iterator {
  int32_t handle;
  eddy_entry *batch;
  size_t count, next;
  bool done;
} eddy_iterator;

/** Entries with lower <= key <= upper (NULL leaves that end open). */
eddy_iterator eddy_store_range(eddy_store store, const eddy_bytes *lower, const eddy_bytes *upper);
/** Entries whose key starts with `prefix`. */
eddy_iterator eddy_store_prefix_scan(eddy_store store, eddy_bytes prefix);
/** The next entry (borrowed until the next call or eddy_iterator_close); false at the end. */
bool eddy_iterator_next(eddy_iterator *iterator, const eddy_entry **entry);
void eddy_iterator_close(eddy_iterator *iterator);

#ifdef __cplusplus
}
#endif
#endif
