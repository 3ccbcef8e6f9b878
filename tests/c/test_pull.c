/* Pull mode: owned events from next_event with timeouts; TIMEOUT when idle; CLOSED after the
 * closed event; pulled events outlive the session until freed. */
#include "test_util.h"

static gemini_live_event *next(gemini_live_session *s) {
  gemini_live_event *ev = NULL;
  CHECK_OK(gemini_live_session_next_event(s, WAIT_MS, &ev));
  CHECK(ev && ev->struct_size == sizeof(gemini_live_event));
  return ev;
}

/* Pulls until an event of `kind`; frees everything else. */
static gemini_live_event *next_of(gemini_live_session *s, gemini_live_event_kind kind) {
  for (;;) {
    gemini_live_event *ev = next(s);
    if (ev->kind == kind) return ev;
    gemini_live_event_free(ev);
  }
}

int main(void) {
  gemini_live_mock_server *mock = start_mock(NULL);
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  gemini_live_session *s = NULL;
  CHECK_OK(gemini_live_session_new(cfg, NULL, NULL, NULL, &s));
  gemini_live_config_free(cfg);

  /* the first events: the connection's phases, then CONNECTED */
  gemini_live_event *ev = next(s);
  CHECK(ev->kind == GEMINI_LIVE_EVENT_KIND_PHASE_CHANGED && ev->phase == GEMINI_LIVE_PHASE_CONNECTING);
  gemini_live_event_free(ev);
  ev = next_of(s, GEMINI_LIVE_EVENT_KIND_CONNECTED);
  CHECK(ev->id == NULL);
  gemini_live_event_free(ev);

  /* nothing pending: TIMEOUT, out untouched */
  gemini_live_event *none = (gemini_live_event *)0x1;
  CHECK_RESULT(gemini_live_session_next_event(s, 0, &none), GEMINI_LIVE_RESULT_TIMEOUT);
  CHECK_RESULT(gemini_live_session_next_event(s, 50, &none), GEMINI_LIVE_RESULT_TIMEOUT);
  CHECK_ERROR_MENTIONS("50 ms");
  CHECK(none == (gemini_live_event *)0x1);

  CHECK_OK(gemini_live_session_send_realtime_text(s, "ping:pull"));
  gemini_live_event *text = next_of(s, GEMINI_LIVE_EVENT_KIND_TEXT);
  CHECK(text->text_len == 9 && strcmp(text->text, "pong:pull") == 0);

  CHECK_OK(gemini_live_session_close(s));
  ev = next_of(s, GEMINI_LIVE_EVENT_KIND_CLOSED);
  CHECK(ev->close_code == 1000 && ev->close_class == GEMINI_LIVE_CLOSE_CLASS_NORMAL);
  gemini_live_event_free(ev);
  CHECK_RESULT(gemini_live_session_next_event(s, 0, &none), GEMINI_LIVE_RESULT_CLOSED);
  CHECK_RESULT(gemini_live_session_next_event(s, GEMINI_LIVE_TIMEOUT_INFINITE, &none), GEMINI_LIVE_RESULT_CLOSED);
  gemini_live_session_free(s);
  /* a pulled event stays valid after the session is gone */
  CHECK(strcmp(text->text, "pong:pull") == 0);
  gemini_live_event_free(text);

  gemini_live_mock_server_free(mock);
  printf("test_pull: ok\n");
  return 0;
}
