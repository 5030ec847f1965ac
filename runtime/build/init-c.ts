// The C project templates of `eddy init --lang c [--world processor|functions]`.
//
// Owns: the files of a new C plugin — eddy-c.toml and src/<name>.c: a
// processor that counts records per key in the store `counts` and forwards
// (key, count), or DSL functions (a word splitter and a key selector);
// init-plugin.ts adds the golden test files.
// Must never: write files (init-plugin.ts does), or reach into the SDK's
// generated bindings (a plugin includes only eddy.h).

export function cFiles(name: string): Record<string, string> {
  return {
    'eddy-c.toml': `# A C plugin for Eddy: \`eddy build\` recognises a C project by this file.
[plugin]
name = "${name}"
world = "processor"
# Optional: sources = ["src/a.c", "src/b.c"] (default: every .c under src/),
#           cflags = ["-DDEBUG"] (after Eddy's: --target=wasm32-wasi -O2 -std=c11 …)
`,
    [`src/${name}.c`]: `/* ${name}: counts records per key in the store \`counts\` and forwards
 * (key, count) with the input's timestamp. Records without a key are skipped. */

#include "eddy.h"

static eddy_store counts;

static bool init(const eddy_config *config) {
  (void)config;
  return eddy_store_open("counts", &counts);
}

static bool process(const eddy_record *input) {
  if (!input->has_key) return true;
  uint64_t count = 1;
  eddy_buffer previous;
  if (eddy_store_get(counts, input->key, &previous)) {
    bool valid = eddy_parse_u64(eddy_view(previous), &count);
    eddy_buffer_free(&previous);
    if (!valid) return eddy_fail("store 'counts' holds a value that is not a count");
    count++;
  }
  char digits[21];
  eddy_bytes value = eddy_format_u64(count, digits);
  eddy_store_put(counts, input->key, value);
  eddy_record output = eddy_record_of(&input->key, &value, input->timestamp);
  eddy_forward(&output);
  return true;
}

EDDY_PROCESSOR(.init = init, .process = process);
`,
    '.gitignore': 'dist/\n',
  };
}

export function cFunctionFiles(name: string): Record<string, string> {
  return {
    'eddy-c.toml': `# A C plugin for Eddy: \`eddy build\` recognises a C project by this file.
[plugin]
name = "${name}"
world = "functions"
`,
    [`src/${name}.c`]: `/* ${name}: DSL functions. A DSL step names one as <functions>.<name>
 * (see tests/word-count.pipeline.yaml). */

#include "eddy_functions.h"

/* The lowercased words of a line (a null line has none): runs of letters and digits. */
static bool words(const eddy_bytes *key, const eddy_bytes *value, eddy_out *out) {
  if (!value) return true;
  char error[96];
  if (eddy_utf8_error(value->data, value->length, error, sizeof error)) return eddy_fail("not UTF-8: %s", error);
  eddy_words split;
  eddy_bytes word;
  eddy_words_begin(&split, value->data, value->length);
  while (eddy_words_next(&split, &word)) eddy_out_append_value(out, &word);
  eddy_words_end(&split);
  return true;
}

/* The value as the new key (to count per word). */
static bool word_as_key(const eddy_bytes *key, const eddy_bytes *value, eddy_out *out) {
  eddy_out_value(out, value);
  return true;
}

static bool register_functions(const eddy_config *config, eddy_registry *f) {
  (void)config;
  eddy_register_flat_value_mapper(f, "words", words);
  eddy_register_key_selector(f, "word-as-key", word_as_key);
  return true;
}

EDDY_FUNCTIONS(register_functions);
`,
    '.gitignore': 'dist/\n',
  };
}
