// C side of the credential callback: a plain C function whose address the library keeps. It
// only converts the void* userdata back to the integer cgo.Handle and calls the //export-ed Go
// function of callbacks.go (cgo forbids definitions in the preamble of a file that exports).

#include "shims.h"
#include "_cgo_export.h"

static uint32_t golive_credential_cb(void *userdata, char *buf, size_t cap, size_t *out_len) {
    return goliveCredential((uintptr_t)userdata, buf, cap, out_len);
}

static gemini_live_result golive_taken(gemini_live_result r, gemini_live_error **err) {
    if (r != GEMINI_LIVE_RESULT_OK) *err = gemini_live_last_error_take();
    return r;
}

gemini_live_result golive_session_next_event(gemini_live_session *session, uint32_t timeout_ms,
                                             gemini_live_event **out, gemini_live_error **err) {
    gemini_live_result r = gemini_live_session_next_event(session, timeout_ms, out);
    if (r == GEMINI_LIVE_RESULT_TIMEOUT || r == GEMINI_LIVE_RESULT_CLOSED) return r;
    return golive_taken(r, err);
}

gemini_live_result golive_config_set_credentials(gemini_live_config *config, uintptr_t handle,
                                                 gemini_live_error **err) {
    return golive_taken(gemini_live_config_set_credential_callback(config, golive_credential_cb,
                                                                   (void *)handle),
                        err);
}

#define GOLIVE_SHIM(name, params, args) \
    gemini_live_result golive_##name params { return golive_taken(gemini_live_##name args, err); }
#include "shims_list.h"
#undef GOLIVE_SHIM
