// C side of the callbacks: plain C functions whose addresses the library keeps. They only
// convert the void* userdata back to the integer cgo.Handle and call the //export-ed Go
// functions of callbacks.go (cgo forbids definitions in the preamble of a file that exports).

#include "shims.h"
#include "_cgo_export.h"

static void golive_event_cb(void *userdata, const gemini_live_event *event) {
    goliveEvent((uintptr_t)userdata, (gemini_live_event *)event);
}

static void golive_userdata_free(void *userdata) {
    goliveFinalize((uintptr_t)userdata);
}

static uint32_t golive_credential_cb(void *userdata, char *buf, size_t cap, size_t *out_len) {
    return goliveCredential((uintptr_t)userdata, buf, cap, out_len);
}

static gemini_live_result golive_taken(gemini_live_result r, gemini_live_error **err) {
    if (r != GEMINI_LIVE_RESULT_OK) *err = gemini_live_last_error_take();
    return r;
}

gemini_live_result golive_session_new(const gemini_live_config *config, uintptr_t handle,
                                      gemini_live_session **out, gemini_live_error **err) {
    return golive_taken(gemini_live_session_new(config, golive_event_cb, (void *)handle,
                                                golive_userdata_free, out),
                        err);
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
