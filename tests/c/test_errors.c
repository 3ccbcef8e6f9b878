/* Error paths against the mock and plain sockets: auth failures (1007/1008, verbatim reason),
 * unknown model, connection refused, connect timeout against a silent TCP listener, and
 * mid-session: raw data, a malformed frame, goAway, a retryable server close and a fatal one. */
#include <unistd.h>
#include "test_util.h"

static gemini_live_config *config_for_url(const char *url, const char *key) {
  gemini_live_config *c = NULL;
  CHECK_OK(gemini_live_config_new(&c));
  CHECK_OK(gemini_live_config_set_api_key(c, key));
  CHECK_OK(gemini_live_config_set_base_url(c, url));
  CHECK_OK(gemini_live_config_set_response_modality(c, GEMINI_LIVE_MODALITY_TEXT));
  return c;
}

/* A TCP listener on a free loopback port that accepts nothing and never answers. */
static int silent_listener(char *url, size_t cap) {
  int port = 0;
  int fd = listen_loopback(&port);
  snprintf(url, cap, "ws://127.0.0.1:%d", port);
  return fd;
}

int main(void) {
  gemini_live_session *s = NULL;
  recorder rec;

  /* auth: a listed key is required */
  gemini_live_mock_server *mock = start_mock("{\"api_keys\":[\"good-key\"],\"known_models\":[\"gemini-live-test\"]}");
  const char *url = gemini_live_mock_server_url(mock);
  gemini_live_config *c = config_for_url(url, "bad-key");
  CHECK_OK(gemini_live_config_set_model(c, "gemini-live-test"));
  recorder_init(&rec);
  CHECK_RESULT(gemini_live_session_new(c, recorder_cb, &rec, recorder_finalize, &s), GEMINI_LIVE_RESULT_SERVER_CLOSED);
  CHECK_ERROR_MENTIONS("(1007)");
  CHECK_ERROR_MENTIONS("API key not valid. Please pass a valid API key.");
  CHECK(s == NULL);
  CHECK(rec.total == 0 && atomic_load(&rec.finalized) == 0); /* failure: no callback, no finalizer */
  CHECK_OK(gemini_live_config_set_api_key(c, " ")); /* blank: the server sees no key */
  CHECK_RESULT(gemini_live_session_new(c, recorder_cb, &rec, recorder_finalize, &s), GEMINI_LIVE_RESULT_SERVER_CLOSED);
  CHECK_ERROR_MENTIONS("(1008)");
  CHECK_ERROR_MENTIONS("unregistered callers");
  CHECK_OK(gemini_live_config_set_api_key(c, "good-key"));
  CHECK_OK(gemini_live_config_set_model(c, "gemini-unknown"));
  CHECK_RESULT(gemini_live_session_new(c, NULL, NULL, NULL, &s), GEMINI_LIVE_RESULT_SERVER_CLOSED);
  CHECK_ERROR_MENTIONS("models/gemini-unknown is not found");
  gemini_live_config_free(c);
  gemini_live_mock_server_free(mock);
  recorder_destroy(&rec);

  /* connection refused: a port nobody listens on (bound, then closed) */
  char silent_url[64];
  int fd = silent_listener(silent_url, sizeof silent_url);
  close(fd);
  c = config_for_url(silent_url, "k");
  CHECK_RESULT(gemini_live_session_new(c, NULL, NULL, NULL, &s), GEMINI_LIVE_RESULT_CONNECT_FAILED);
  gemini_live_config_free(c);

  /* timeout: the listener accepts TCP (backlog) but never answers the upgrade */
  fd = silent_listener(silent_url, sizeof silent_url);
  c = config_for_url(silent_url, "k");
  CHECK_OK(gemini_live_config_set_connect_timeout_ms(c, 300));
  CHECK_OK(gemini_live_config_set_setup_timeout_ms(c, 300));
  CHECK_RESULT(gemini_live_session_new(c, NULL, NULL, NULL, &s), GEMINI_LIVE_RESULT_TIMEOUT);
  CHECK_ERROR_MENTIONS("300ms");
  gemini_live_config_free(c);
  close(fd);

  /* mid-session server behaviour, scripted by message number */
  mock = start_mock(
      "{\"scenario\":["
      "{\"on\":\"message:1\",\"send\":{\"customThing\":{\"a\":1}}},"
      "{\"on\":\"message:2\",\"raw\":\"{not json\"},"
      "{\"on\":\"message:3\",\"send\":{\"goAway\":{\"timeLeft\":\"5s\"}}},"
      "{\"on\":\"message:4\",\"close\":{\"code\":1011,\"reason\":\"Internal error occurred.\"}}]}");
  c = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  recorder_init(&rec);
  CHECK_OK(gemini_live_session_new(c, recorder_cb, &rec, recorder_finalize, &s));
  CHECK_OK(gemini_live_session_send_realtime_text(s, "one"));
  WAIT_KIND(&rec, RAW, 1);
  CHECK_OK(gemini_live_session_send_realtime_text(s, "two"));
  WAIT_KIND(&rec, ERROR, 1);
  CHECK(rec.error_fatal == 0);
  CHECK(rec.error_result == GEMINI_LIVE_RESULT_PROTOCOL);
  CHECK(rec.error_kind == GEMINI_LIVE_ERROR_KIND_MALFORMED_FRAME);
  CHECK_OK(gemini_live_session_send_realtime_text(s, "three"));
  WAIT_KIND(&rec, GO_AWAY, 1);
  CHECK(rec.go_away_ms == 5000);
  CHECK_OK(gemini_live_session_send_realtime_text(s, "four"));
  WAIT_KIND(&rec, CLOSED, 1);
  CHECK(rec.close_code == 1011);
  CHECK(strcmp(rec.closed_reason, "Internal error occurred.") == 0);
  CHECK(rec.close_class == GEMINI_LIVE_CLOSE_CLASS_RETRYABLE);
  CHECK_RESULT(gemini_live_session_send_realtime_text(s, "five"), GEMINI_LIVE_RESULT_CLOSED);
  gemini_live_session_free(s);
  CHECK(atomic_load(&rec.finalized) == 1);
  CHECK(rec.events_after_closed == 0);
  gemini_live_config_free(c);
  gemini_live_mock_server_free(mock);
  recorder_destroy(&rec);

  /* a fatal close mid-session: an error event (fatal), then CLOSED with the verbatim reason */
  mock = start_mock(
      "{\"scenario\":[{\"on\":\"realtimeInput.text\",\"close\":{\"code\":1007,"
      "\"reason\":\"Request contains an invalid argument.\"}}]}");
  c = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  recorder_init(&rec);
  CHECK_OK(gemini_live_session_new(c, recorder_cb, &rec, recorder_finalize, &s));
  CHECK_OK(gemini_live_session_send_realtime_text(s, "boom"));
  WAIT_KIND(&rec, CLOSED, 1);
  CHECK(count_of(&rec, GEMINI_LIVE_EVENT_KIND_ERROR) == 1);
  CHECK(rec.error_fatal == 1);
  CHECK(rec.error_result == GEMINI_LIVE_RESULT_SERVER_CLOSED);
  CHECK(strstr(rec.last_error, "Request contains an invalid argument.") != NULL);
  CHECK(rec.close_code == 1007);
  CHECK(rec.close_class == GEMINI_LIVE_CLOSE_CLASS_FATAL);
  CHECK(strcmp(rec.closed_reason, "Request contains an invalid argument.") == 0);
  gemini_live_session_free(s);
  CHECK(atomic_load(&rec.finalized) == 1);
  gemini_live_config_free(c);
  gemini_live_mock_server_free(mock);
  recorder_destroy(&rec);

  printf("test_errors: ok\n");
  return 0;
}
