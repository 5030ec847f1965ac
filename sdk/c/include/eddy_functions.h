/* eddy_functions.h — DSL functions in C: the `functions` world of wit/.
 *
 * Owns: the C face of the world — a registering function (EDDY_FUNCTIONS)
 * that names each function with its kind and a typed callback, and the
 * outputs a callback writes (eddy_out).
 * Must never: restate the canonical ABI (sdk/c/bindings/functions/ owns it),
 * or let a callback keep a borrowed input after it returns.
 *
 * Inputs are `const eddy_bytes *`: NULL is a null key or value, borrowed for
 * the call. A callback returns true, or false after eddy_fail("…") — an `err`
 * result the host reports with the DSL step and the record's offset.
 * Functions see raw bytes in the serde of the stream, as Kafka Streams'
 * lambdas see deserialized objects; they have no state and no context. */
#ifndef EDDY_FUNCTIONS_H
#define EDDY_FUNCTIONS_H

#include "eddy_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where a callback writes its result (copied; NULL = null). */
typedef struct eddy_out eddy_out;

/** The result of a single-output function (value mapper, key selector,
 * initializer, aggregator, reducer, value joiner, merger, topic-name
 * extractor); not calling it means null. Calling it twice is an error. */
void eddy_out_value(eddy_out *out, const eddy_bytes *value);
/** One more value of a flat-value mapper. */
void eddy_out_append_value(eddy_out *out, const eddy_bytes *value);
/** The (key, value) of a key-value mapper (once), or one more pair of a flat mapper. */
void eddy_out_pair(eddy_out *out, const eddy_bytes *key, const eddy_bytes *value);
/** Shorthands: a NUL-terminated string, or printf-style text, as the single result / one more value. */
void eddy_out_text(eddy_out *out, const char *text);
void eddy_out_printf(eddy_out *out, const char *format, ...) __attribute__((format(printf, 2, 3)));
void eddy_out_append_text(eddy_out *out, const char *text);

typedef bool (*eddy_predicate)(const eddy_bytes *key, const eddy_bytes *value, bool *result);
typedef bool (*eddy_key_value_mapper)(const eddy_bytes *key, const eddy_bytes *value, eddy_out *out);
typedef bool (*eddy_value_mapper)(const eddy_bytes *key, const eddy_bytes *value, eddy_out *out);
typedef bool (*eddy_key_selector)(const eddy_bytes *key, const eddy_bytes *value, eddy_out *out);
typedef bool (*eddy_flat_mapper)(const eddy_bytes *key, const eddy_bytes *value, eddy_out *out);
typedef bool (*eddy_flat_value_mapper)(const eddy_bytes *key, const eddy_bytes *value, eddy_out *out);
typedef bool (*eddy_initializer)(eddy_out *out);
typedef bool (*eddy_aggregator)(const eddy_bytes *key, const eddy_bytes *value, const eddy_bytes *aggregate, eddy_out *out);
typedef bool (*eddy_reducer)(const eddy_bytes *aggregate, const eddy_bytes *value, eddy_out *out);
typedef bool (*eddy_value_joiner)(const eddy_bytes *key, const eddy_bytes *left, const eddy_bytes *right, eddy_out *out);
typedef bool (*eddy_action)(const eddy_bytes *key, const eddy_bytes *value);
typedef bool (*eddy_merger)(const eddy_bytes *key, const eddy_bytes *aggregate1, const eddy_bytes *aggregate2, eddy_out *out);
/** The topic (UTF-8, not null) through eddy_out_value / eddy_out_text. */
typedef bool (*eddy_topic_name_extractor)(const eddy_bytes *key, const eddy_bytes *value, eddy_bytes source_topic, eddy_out *out);
typedef bool (*eddy_timestamp_extractor)(const eddy_bytes *key, const eddy_bytes *value, int64_t timestamp, int64_t partition_time, int64_t *result);

/** The functions a plugin provides, filled by its registering function. */
typedef struct eddy_registry eddy_registry;

void eddy_register_predicate(eddy_registry *registry, const char *name, eddy_predicate function);
void eddy_register_key_value_mapper(eddy_registry *registry, const char *name, eddy_key_value_mapper function);
void eddy_register_value_mapper(eddy_registry *registry, const char *name, eddy_value_mapper function);
void eddy_register_key_selector(eddy_registry *registry, const char *name, eddy_key_selector function);
void eddy_register_flat_mapper(eddy_registry *registry, const char *name, eddy_flat_mapper function);
void eddy_register_flat_value_mapper(eddy_registry *registry, const char *name, eddy_flat_value_mapper function);
void eddy_register_initializer(eddy_registry *registry, const char *name, eddy_initializer function);
void eddy_register_aggregator(eddy_registry *registry, const char *name, eddy_aggregator function);
void eddy_register_reducer(eddy_registry *registry, const char *name, eddy_reducer function);
void eddy_register_value_joiner(eddy_registry *registry, const char *name, eddy_value_joiner function);
void eddy_register_action(eddy_registry *registry, const char *name, eddy_action function);
void eddy_register_merger(eddy_registry *registry, const char *name, eddy_merger function);
void eddy_register_topic_name_extractor(eddy_registry *registry, const char *name, eddy_topic_name_extractor function);
void eddy_register_timestamp_extractor(eddy_registry *registry, const char *name, eddy_timestamp_extractor function);

/** Called once per instance with the DSL's `functions` config; false rejects it. */
typedef bool (*eddy_register_functions)(const eddy_config *config, eddy_registry *registry);

/** The plugin's registering function: EDDY_FUNCTIONS(register_functions). */
extern const eddy_register_functions eddy_plugin_functions;
#define EDDY_FUNCTIONS(function) const eddy_register_functions eddy_plugin_functions = (function)

#ifdef __cplusplus
}
#endif
#endif
