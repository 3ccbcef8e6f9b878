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

golive_ret golive_session_send_audio_r(gemini_live_session *session, const uint8_t *pcm, size_t len,
                                       uint32_t sample_rate) {
    golive_ret r = {gemini_live_session_send_audio(session, pcm, len, sample_rate), NULL};
    if (r.result != GEMINI_LIVE_RESULT_OK) r.err = gemini_live_last_error_take();
    return r;
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
