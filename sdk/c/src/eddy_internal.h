/* Between the C SDK's shared code (eddy_common.c) and each world's code.
 * Owns: the few functions they call across. Must never: be included by a plugin. */
#ifndef EDDY_INTERNAL_H
#define EDDY_INTERNAL_H
#include "eddy_common.h"

/** The message of the last eddy_fail (malloc'd, the caller's), or NULL. */
char *eddy__take_error(void);
/** Forgets a pending message (at the end of every export). */
void eddy__clear_error(void);
/** One log line to the host, through the world's own bindings. */
void eddy__log_line(eddy_log_level level, const char *text, size_t length);
#endif
