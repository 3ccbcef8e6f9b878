/* No server input can take a session down: frames whose goAway.timeLeft ("1e30s") or
 * voiceActivity.audioOffset ("1e300s") no duration can hold give a non-fatal MALFORMED_FRAME
 * error naming the field, then the rest of the frame, and the session goes on. */
#include "test_util.h"

int main(void) {
  gemini_live_mock_server *mock = start_mock(
      "{\"scenario\":["
      "{\"on\":\"message:1\",\"send\":{\"serverContent\":{},"
      "\"voiceActivity\":{\"type\":\"ACTIVITY_START\",\"audioOffset\":\"1e300s\"}}},"
      "{\"on\":\"message:2\",\"send\":{"
      "\"serverContent\":{\"modelTurn\":{\"parts\":[{\"text\":\"still here\"}]}},"
      "\"goAway\":{\"timeLeft\":\"1e30s\"}}}]}");
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  recorder rec;
  recorder_init(&rec);
  gemini_live_session *s = NULL;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, recorder_finalize, &s));

  CHECK_OK(gemini_live_session_send_realtime_text(s, "one"));
  WAIT_KIND(&rec, VOICE_ACTIVITY, 1);
  CHECK(count_of(&rec, GEMINI_LIVE_EVENT_KIND_ERROR) == 1);
  CHECK(rec.error_fatal == 0);
  CHECK(rec.error_result == GEMINI_LIVE_RESULT_PROTOCOL);
  CHECK(rec.error_kind == GEMINI_LIVE_ERROR_KIND_MALFORMED_FRAME);
  CHECK(strcmp(rec.last_error, "voiceActivity.audioOffset: \"1e300s\" is out of range") == 0);

  /* The session answers the next message: the goAway frame, whose text still arrives. */
  CHECK_OK(gemini_live_session_send_realtime_text(s, "two"));
  WAIT_KIND(&rec, GO_AWAY, 1);
  CHECK(count_of(&rec, GEMINI_LIVE_EVENT_KIND_ERROR) == 2);
  CHECK(rec.error_fatal == 0);
  CHECK(strcmp(rec.last_error, "goAway.timeLeft: \"1e30s\" is out of range") == 0);
  CHECK(strcmp(rec.text, "still here") == 0);
  CHECK(rec.go_away_ms == -1);
  CHECK(count_of(&rec, GEMINI_LIVE_EVENT_KIND_CLOSED) == 0);
  gemini_live_phase phase;
  CHECK_OK(gemini_live_session_get_phase(s, &phase));
  CHECK(phase == GEMINI_LIVE_PHASE_ACTIVE || phase == GEMINI_LIVE_PHASE_GOING_AWAY);

  CHECK_OK(gemini_live_session_close(s));
  WAIT_KIND(&rec, CLOSED, 1);
  CHECK(count_of(&rec, GEMINI_LIVE_EVENT_KIND_ERROR) == 2);
  gemini_live_session_free(s);
  CHECK(atomic_load(&rec.finalized) == 1);
  recorder_destroy(&rec);
  gemini_live_config_free(cfg);
  gemini_live_mock_server_free(mock);
  printf("test_out_of_range: ok\n");
  return 0;
}
