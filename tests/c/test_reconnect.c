/* goAway with session resumption: the library reconnects transparently (GO_AWAY,
 * RECONNECTING, RECONNECTED resumed) and asks the credential callback before every connection.
 * A failing credential callback fails session_new with CREDENTIAL. */
#include "test_util.h"

static atomic_int credential_calls;

static uint32_t credential(void *userdata, char *buf, size_t cap, size_t *out_len) {
  const char *key = (const char *)userdata;
  size_t n = strlen(key);
  if (n > cap) return GEMINI_LIVE_RESULT_BUFFER_TOO_SMALL;
  memcpy(buf, key, n);
  *out_len = n;
  atomic_fetch_add(&credential_calls, 1);
  return GEMINI_LIVE_RESULT_OK;
}

static uint32_t failing_credential(void *userdata, char *buf, size_t cap, size_t *out_len) {
  (void)userdata, (void)buf, (void)cap, (void)out_len;
  return GEMINI_LIVE_RESULT_IO;
}

int main(void) {
  gemini_live_mock_server *mock = start_mock(
      "{\"api_keys\":[\"fresh-key\"],"
      "\"faults\":[{\"kind\":\"go_away\",\"connection\":1,\"after_messages\":1,\"time_left_ms\":2000}]}");
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  CHECK_OK(gemini_live_config_set_api_key(cfg, "stale-key")); /* replaced by the callback */
  CHECK_OK(gemini_live_config_set_credential_callback(cfg, credential, (void *)"fresh-key"));
  CHECK_OK(gemini_live_config_set_session_resumption(cfg, true, NULL, false));
  CHECK_OK(gemini_live_config_set_reconnect(cfg, true, 3));
  recorder rec;
  recorder_init(&rec);
  gemini_live_session *s = NULL;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, recorder_finalize, &s));
  CHECK(atomic_load(&credential_calls) == 1);
  WAIT_KIND(&rec, RESUMPTION_UPDATE, 1);

  CHECK_OK(gemini_live_session_send_realtime_text(s, "ping:before"));
  WAIT_KIND(&rec, GO_AWAY, 1);
  WAIT_KIND(&rec, RECONNECTED, 1);
  CHECK(count_of(&rec, GEMINI_LIVE_EVENT_KIND_RECONNECTING) >= 1);
  CHECK(atomic_load(&credential_calls) == 2);
  pthread_mutex_lock(&rec.mu);
  CHECK(rec.phases[GEMINI_LIVE_PHASE_GOING_AWAY] == 1);
  CHECK(rec.phases[GEMINI_LIVE_PHASE_RECONNECTING] == 1);
  pthread_mutex_unlock(&rec.mu);
  WAIT_STAT(mock, "/resumptions_ok", 1);

  /* the session keeps working on the new connection */
  CHECK_OK(gemini_live_session_send_client_text(s, "after the move", true));
  WAIT_KIND(&rec, TURN_COMPLETE, 1);
  CHECK(strstr(rec.text, "You said: after the move") != NULL);
  close_and_free(s, &rec);
  recorder_destroy(&rec);

  /* a failing credential callback */
  CHECK_OK(gemini_live_config_set_credential_callback(cfg, failing_credential, NULL));
  CHECK_RESULT(gemini_live_session_new(cfg, NULL, NULL, NULL, &s), GEMINI_LIVE_RESULT_CREDENTIAL);
  CHECK_ERROR_MENTIONS("GEMINI_LIVE_RESULT_IO");
  gemini_live_config_free(cfg);
  gemini_live_mock_server_free(mock);
  printf("test_reconnect: ok\n");
  return 0;
}
