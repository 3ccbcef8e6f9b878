#ifndef GEMINILIVE_GO_SHIMS_H
#define GEMINILIVE_GO_SHIMS_H

#include <stdint.h>
#include <stdlib.h>
#include "gemini_live.h"

/* Session creation with the Go trampolines as callback and finalizer; the userdata is a
 * runtime/cgo.Handle carried as an integer and cast to void* only here, in C. */
gemini_live_result golive_session_new(const gemini_live_config *config, uintptr_t handle,
                                      gemini_live_session **out);

/* Registers the Go credential trampoline with a cgo.Handle as userdata. */
gemini_live_result golive_config_set_credentials(gemini_live_config *config, uintptr_t handle);

#endif
