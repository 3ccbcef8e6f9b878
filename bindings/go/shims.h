#ifndef GEMINILIVE_GO_SHIMS_H
#define GEMINILIVE_GO_SHIMS_H

#include <stdint.h>
#include <stdlib.h>
#include "gemini_live.h"

/* Every shim below calls one library function and, when it fails, takes the calling thread's
 * error object (gemini_live_last_error_take) into *err within the same C call, so the pair runs
 * on one OS thread whatever goroutine scheduling does: Go never locks goroutines to threads to
 * read an error. *err is left alone on success; the Go side frees it. */

/* gemini_live_session_next_event; the two expected results of a non-blocking pull, TIMEOUT
 * (nothing pending) and CLOSED, leave *err alone: no error object is made for them. */
gemini_live_result golive_session_next_event(gemini_live_session *session, uint32_t timeout_ms,
                                             gemini_live_event **out, gemini_live_error **err);

/* Registers the Go credential trampoline; the userdata is a runtime/cgo.Handle carried as an
 * integer and cast to void* only here, in C. */
gemini_live_result golive_config_set_credentials(gemini_live_config *config, uintptr_t handle,
                                                 gemini_live_error **err);

/* golive_<name>(<parameters of gemini_live_<name>>, gemini_live_error **err) for each listed
 * function. */
#define GOLIVE_SHIM(name, params, args) gemini_live_result golive_##name params;
#include "shims_list.h"
#undef GOLIVE_SHIM

#endif
