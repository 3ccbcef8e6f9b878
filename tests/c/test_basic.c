/* A TEXT session against the in-process mock: connect, events of a text turn, getters,
 * graceful close, send after close, finalizer exactly once. Plus version and result names. */
#include "test_util.h"

int main(void) {
  CHECK(strcmp(gemini_live_version(), GEMINI_LIVE_VERSION) == 0);
  CHECK(GEMINI_LIVE_VERSION_NUMBER ==
        ((GEMINI_LIVE_VERSION_MAJOR << 16) | (GEMINI_LIVE_VERSION_MINOR << 8) | GEMINI_LIVE_VERSION_PATCH));
  CHECK(strcmp(gemini_live_result_name(GEMINI_LIVE_RESULT_QUEUE_FULL), "GEMINI_LIVE_RESULT_QUEUE_FULL") == 0);
  CHECK(strcmp(gemini_live_result_name(9999), "GEMINI_LIVE_RESULT_UNKNOWN") == 0);
  CHECK(GEMINI_LIVE_RESULT_OK == 0);

  gemini_live_mock_server *mock = start_mock(NULL);
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  CHECK_OK(gemini_live_config_set_system_instruction(cfg, "Be brief."));
  CHECK_OK(gemini_live_config_set_temperature(cfg, 0.7f));

  recorder rec;
  recorder_init(&rec);
  gemini_live_session *s = NULL;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, recorder_finalize, &s));
  CHECK(s != NULL);
  gemini_live_config_free(cfg); /* the session copied it */
  WAIT_KIND(&rec, CONNECTED, 1);

  gemini_live_phase phase = GEMINI_LIVE_PHASE_CLOSED;
  CHECK_OK(gemini_live_session_get_phase(s, &phase));
  CHECK(phase == GEMINI_LIVE_PHASE_ACTIVE);
  char *id = NULL;
  CHECK_OK(gemini_live_session_get_id(s, &id));
  CHECK(id && strlen(id) > 0);
  gemini_live_string_free(id);
  uint64_t dropped = 99;
  CHECK_OK(gemini_live_session_get_dropped_audio(s, &dropped));
  CHECK(dropped == 0);
  dropped = 99;
  CHECK_OK(gemini_live_session_get_dropped_video(s, &dropped));
  CHECK(dropped == 0);
  CHECK(gemini_live_session_get_dropped_video(s, NULL) == GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK(gemini_live_session_get_dropped_video(NULL, &dropped) == GEMINI_LIVE_RESULT_NULL_ARGUMENT);

  CHECK_OK(gemini_live_session_send_client_text(s, "hello there mock", true));
  WAIT_KIND(&rec, TURN_COMPLETE, 1);
  CHECK(count_of(&rec, GEMINI_LIVE_EVENT_KIND_GENERATION_COMPLETE) == 1);
  CHECK(count_of(&rec, GEMINI_LIVE_EVENT_KIND_USAGE_METADATA) >= 1);
  pthread_mutex_lock(&rec.mu);
  CHECK(strcmp(rec.text, "You said: hello there mock") == 0);
  CHECK(rec.total_tokens > 0);
  CHECK(rec.phases[GEMINI_LIVE_PHASE_CONNECTING] == 1);
  CHECK(rec.phases[GEMINI_LIVE_PHASE_SETUP_SENT] == 1);
  CHECK(rec.phases[GEMINI_LIVE_PHASE_ACTIVE] == 1);
  pthread_mutex_unlock(&rec.mu);
  CHECK(stats_contain(mock, "\"last_system_instruction\":\"Be brief.\""));

  /* graceful close: CLOSED 1000 NORMAL, then sends fail with CLOSED */
  CHECK_OK(gemini_live_session_close(s));
  CHECK_OK(gemini_live_session_close(s)); /* idempotent */
  CHECK_RESULT(gemini_live_session_send_realtime_text(s, "late"), GEMINI_LIVE_RESULT_CLOSED);
  CHECK_ERROR_MENTIONS("closed");
  WAIT_KIND(&rec, CLOSED, 1);
  CHECK(rec.close_code == 1000);
  CHECK(rec.close_class == GEMINI_LIVE_CLOSE_CLASS_NORMAL);
  CHECK(rec.phases[GEMINI_LIVE_PHASE_CLOSED] == 1);
  CHECK_OK(gemini_live_session_get_phase(s, &phase));
  CHECK(phase == GEMINI_LIVE_PHASE_CLOSED);
  CHECK(atomic_load(&rec.finalized) == 0); /* only at free */
  gemini_live_session_free(s);
  CHECK(atomic_load(&rec.finalized) == 1);
  CHECK(rec.events_after_closed == 0);
  CHECK(atomic_load(&rec.concurrent_violations) == 0);
  gemini_live_session_free(NULL);
  gemini_live_config_free(NULL);
  gemini_live_event_free(NULL);
  gemini_live_string_free(NULL);
  gemini_live_mock_server_free(NULL);

  gemini_live_mock_server_free(mock);
  recorder_destroy(&rec);
  printf("test_basic: ok\n");
  return 0;
}
