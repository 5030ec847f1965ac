/* Test-only: a C processor that misbehaves on command, so the tests can
 * check that the host's limits and deny-by-default WASI hold for a C guest
 * (wasi-libc over jco's preview1 adapter). Every record is forwarded
 * unchanged, except one whose value starts with a command:
 *
 * - `spin`: loops forever (the host's CPU limit must stop it);
 * - `bomb`: allocates 1 MiB after 1 MiB, touches it and keeps it (the memory cap must stop it);
 * - `open <path>` / `write <path>` / `listdir <path>`: reads a file, writes
 *   one, lists a directory;
 * - `accept`: accepts a connection on the preopened directory's descriptor
 *   (WASI preview 1 cannot create a socket: it has no socket() at all);
 *   each of these forwards `ok: …` or `error: <strerror>` and logs the error;
 * - `env`: forwards how many environment variables it sees and whether
 *   getenv("HOME") / getenv("PATH") find anything;
 * - `print <text>`: printf to stdout; `eprint <text>`: to stderr;
 * - `fail <text>`: returns an error (an `err` result: the instance goes on);
 * - `abort`: abort() (a trap); `exit <code>`: exit(code) (WASI exit: only this instance stops). */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#include "eddy.h"

static void *hoard[65536];
static size_t hoarded;

static bool starts_with(eddy_bytes value, const char *command, const char **argument) {
  size_t length = strlen(command);
  if (value.length < length || memcmp(value.data, command, length) != 0) return false;
  if (value.length > length && value.data[length] != ' ') return false;
  *argument = value.length > length ? (const char *)value.data + length + 1 : "";
  return true;
}

static void answer(const eddy_record *record, const char *command, const char *argument, bool ok, const char *text) {
  char out[512];
  snprintf(out, sizeof out, "%s: %s", ok ? "ok" : "error", text);
  if (!ok) eddy_log(EDDY_WARN, "%s %s refused: %s", command, argument, out);
  eddy_record output = *record;
  output.value = eddy_text(out);
  eddy_forward(&output);
}

static bool process(const eddy_record *record) {
  if (!record->has_value) {
    eddy_forward(record);
    return true;
  }
  /* A NUL-terminated copy: the commands take C strings. */
  char *text = malloc(record->value.length + 1);
  if (!text) return eddy_fail("out of memory");
  memcpy(text, record->value.data, record->value.length);
  text[record->value.length] = '\0';
  eddy_bytes value = { (const uint8_t *)text, record->value.length };
  const char *argument;
  bool ok = true;
  if (starts_with(value, "spin", &argument)) {
    volatile uint64_t turns = 0;
    for (;;) turns++;
  } else if (starts_with(value, "bomb", &argument)) {
    for (;;) {
      void *block = malloc(1 << 20);
      if (!block) abort();
      memset(block, 1, 1 << 20);
      hoard[hoarded++ % 65536] = block;
    }
  } else if (starts_with(value, "open", &argument)) {
    FILE *file = fopen(argument, "rb");
    if (!file) answer(record, "open", argument, false, strerror(errno));
    else {
      char buffer[4096];
      size_t bytes = fread(buffer, 1, sizeof buffer, file);
      fclose(file);
      snprintf(buffer, sizeof buffer, "%zu bytes", bytes);
      answer(record, "open", argument, true, buffer);
    }
  } else if (starts_with(value, "write", &argument)) {
    FILE *file = fopen(argument, "w");
    if (!file) answer(record, "write", argument, false, strerror(errno));
    else {
      fputs("escaped", file);
      fclose(file);
      answer(record, "write", argument, true, "written");
    }
  } else if (starts_with(value, "listdir", &argument)) {
    DIR *directory = opendir(argument);
    if (!directory) answer(record, "listdir", argument, false, strerror(errno));
    else {
      size_t entries = 0;
      while (readdir(directory)) entries++;
      closedir(directory);
      char count[64];
      snprintf(count, sizeof count, "%zu entries", entries);
      answer(record, "listdir", argument, true, count);
    }
  } else if (starts_with(value, "accept", &argument)) {
    __wasi_fd_t connection;
    __wasi_errno_t error = __wasi_sock_accept(3, 0, &connection);
    answer(record, "accept", "fd 3", error == 0, error == 0 ? "accepted" : strerror(error));
  } else if (starts_with(value, "env", &argument)) {
    extern char **environ;
    size_t count = 0;
    for (char **variable = environ; variable && *variable; variable++) count++;
    char description[128];
    snprintf(description, sizeof description, "%zu variables, HOME %s, PATH %s", count, getenv("HOME") ? "set" : "unset", getenv("PATH") ? "set" : "unset");
    answer(record, "env", "", true, description);
  } else if (starts_with(value, "print", &argument)) {
    printf("%s\n", argument);
    fflush(stdout);
  } else if (starts_with(value, "eprint", &argument)) {
    fprintf(stderr, "%s\n", argument);
  } else if (starts_with(value, "fail", &argument)) {
    ok = eddy_fail("%s", argument);
  } else if (starts_with(value, "abort", &argument)) {
    abort();
  } else if (starts_with(value, "exit", &argument)) {
    exit(atoi(argument));
  } else {
    eddy_forward(record);
  }
  free(text);
  return ok;
}

EDDY_PROCESSOR(.process = process);
