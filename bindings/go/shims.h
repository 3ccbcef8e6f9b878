#ifndef GEMINILIVE_GO_SHIMS_H
#define GEMINILIVE_GO_SHIMS_H

#include <stdint.h>
#include <stdlib.h>
#include "gemini_live.h"

/* Every shim below calls one library function and, when it fails, takes the calling thread's
 * error object (gemini_live_last_error_take) into *err within the same C call, so the pair runs
 * on one OS thread whatever goroutine scheduling does: Go never locks goroutines to threads to
 * read an error. *err is left alone on success; the Go side frees it. */

/* A result and, when it is not OK, the error object taken in the same C call, returned by
 * value: the Go caller passes no pointer for them, so nothing escapes to Go's heap per call. */
typedef struct {
    gemini_live_result result;
    gemini_live_error *err;
} golive_ret;

/* gemini_live_session_send_audio (the send the Go side makes 50 times a second per session). */
golive_ret golive_session_send_audio_r(gemini_live_session *session, const uint8_t *pcm, size_t len,
                                       uint32_t sample_rate);

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
