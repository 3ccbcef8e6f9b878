/* Ephemeral tokens end to end against the mock's REST side and Live endpoint:
 * - a backend mints a token with its API key (gemini_live_auth_token_create); the service's
 *   refusals arrive as GEMINI_LIVE_RESULT_HTTP with the HTTP status and the service's message
 *   verbatim, and the API key never appears in messages;
 * - a client connects with the token on the constrained path, the token's locked setup field
 *   wins over the client's, resuming after goAway does not count as a use, and a second new
 *   session with a one-use token is refused (1007). */
#include "test_util.h"

#include <unistd.h>

static void check_http_error(int status, const char *reason_part) {
  gemini_live_error *e = gemini_live_last_error_take();
  CHECK(e != NULL);
  CHECK(gemini_live_error_result(e) == GEMINI_LIVE_RESULT_HTTP);
  if (gemini_live_error_http_status(e) != status)
    FAIL("http status %u, want %d", gemini_live_error_http_status(e), status);
  CHECK(gemini_live_error_close_code(e) == 0);
  if (!strstr(gemini_live_error_reason(e), reason_part))
    FAIL("reason %s lacks %s", gemini_live_error_reason(e), reason_part);
  CHECK(strstr(gemini_live_error_message(e), "backend-key") == NULL);
  CHECK(strstr(gemini_live_error_message(e), "wrong-key") == NULL);
  gemini_live_error_free(e);
}

int main(void) {
  gemini_live_mock_server *mock = start_mock(
      "{\"api_keys\":[\"backend-key\"],"
      "\"faults\":[{\"kind\":\"go_away\",\"connection\":1,\"after_messages\":1,\"time_left_ms\":2000}]}");
  const char *http = gemini_live_mock_server_http_url(mock);
  CHECK(strncmp(http, "http://127.0.0.1:", 17) == 0);
  char req[1024];
  gemini_live_auth_token *tok = NULL;

  /* 1. The service's refusals, verbatim. */
  snprintf(req, sizeof req, "{\"base_url\":\"%s\"}", http);
  CHECK_RESULT(gemini_live_auth_token_create("wrong-key", req, 5000, &tok), GEMINI_LIVE_RESULT_HTTP);
  CHECK(tok == NULL);
  check_http_error(400, "API key not valid. Please pass a valid API key.");
  snprintf(req, sizeof req, "{\"base_url\":\"%s\",\"expire_seconds\":90000}", http);
  CHECK_RESULT(gemini_live_auth_token_create("backend-key", req, 5000, &tok), GEMINI_LIVE_RESULT_HTTP);
  check_http_error(400, "less than 20 hours");
  /* argument checks before any request */
  CHECK_RESULT(gemini_live_auth_token_create(NULL, req, 5000, &tok), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_RESULT(gemini_live_auth_token_create("backend-key", req, 5000, NULL), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_RESULT(gemini_live_auth_token_create("backend-key", "{\"usez\":1}", 5000, &tok),
               GEMINI_LIVE_RESULT_INVALID_JSON);
  CHECK_RESULT(gemini_live_auth_token_create("backend-key", "{\"base_url\":\"http://example.com\"}", 5000, &tok),
               GEMINI_LIVE_RESULT_CONFIG); /* plain text to a remote host */
  CHECK(gemini_live_auth_token_name(NULL) == NULL);
  CHECK(gemini_live_auth_token_expire_time(NULL) == 0);
  gemini_live_auth_token_free(NULL);
  /* nothing listens on a closed port: CONNECT_FAILED, not a hang */
  int port = 0;
  int lfd = listen_loopback(&port);
  close(lfd);
  snprintf(req, sizeof req, "{\"base_url\":\"http://127.0.0.1:%d\"}", port);
  CHECK_RESULT(gemini_live_auth_token_create("backend-key", req, 5000, &tok), GEMINI_LIVE_RESULT_CONNECT_FAILED);
  CHECK(stat_int(mock, "auth_tokens_issued") == 0);

  /* 2. A one-use token whose setup locks the system instruction. */
  snprintf(req, sizeof req,
           "{\"base_url\":\"%s\",\"uses\":1,\"expire_seconds\":600,\"new_session_expire_seconds\":60,"
           "\"setup\":{\"systemInstruction\":{\"parts\":[{\"text\":\"locked by the backend\"}]}},"
           "\"field_mask\":\"systemInstruction\"}",
           http);
  time_t now = time(NULL);
  CHECK_OK(gemini_live_auth_token_create("backend-key", req, 5000, &tok));
  const char *name = gemini_live_auth_token_name(tok);
  CHECK(strncmp(name, "auth_tokens/", 12) == 0);
  long long expire = gemini_live_auth_token_expire_time(tok);
  long long new_session = gemini_live_auth_token_new_session_expire_time(tok);
  CHECK(expire >= now + 590 && expire <= now + 610);
  CHECK(new_session >= now + 50 && new_session <= now + 70);
  CHECK(stat_int(mock, "auth_tokens_issued") == 1);

  /* 3. The client connects with it (constrained path, Authorization: Token). */
  gemini_live_config *cfg = NULL;
  CHECK_OK(gemini_live_config_new(&cfg));
  CHECK_OK(gemini_live_config_set_ephemeral_token(cfg, name));
  CHECK_OK(gemini_live_config_set_base_url(cfg, gemini_live_mock_server_url(mock)));
  CHECK_OK(gemini_live_config_set_model(cfg, "gemini-live-test"));
  CHECK_OK(gemini_live_config_set_response_modality(cfg, GEMINI_LIVE_MODALITY_TEXT));
  CHECK_OK(gemini_live_config_set_system_instruction(cfg, "the client's own"));
  CHECK_OK(gemini_live_config_set_session_resumption(cfg, true, NULL, false));
  CHECK_OK(gemini_live_config_set_reconnect(cfg, true, 3));
  recorder rec;
  recorder_init(&rec);
  gemini_live_session *s = NULL;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, recorder_finalize, &s));
  WAIT_KIND(&rec, RESUMPTION_UPDATE, 1);
  CHECK(stats_contain(mock, "\"last_system_instruction\":\"locked by the backend\""));
  /* goAway: the session resumes with the same token (resuming is not a use) */
  CHECK_OK(gemini_live_session_send_realtime_text(s, "ping:before"));
  WAIT_KIND(&rec, RECONNECTED, 1);
  WAIT_STAT(mock, "/resumptions_ok", 1);
  CHECK_OK(gemini_live_session_send_client_text(s, "hello", true));
  WAIT_KIND(&rec, TURN_COMPLETE, 1);
  CHECK(strstr(rec.text, "You said: hello") != NULL);
  close_and_free(s, &rec);
  recorder_destroy(&rec);

  /* 4. A second new session with the one-use token is refused. */
  s = NULL;
  CHECK_RESULT(gemini_live_session_new(cfg, NULL, NULL, NULL, &s), GEMINI_LIVE_RESULT_SERVER_CLOSED);
  gemini_live_error *e = gemini_live_last_error_take();
  CHECK(e != NULL && gemini_live_error_close_code(e) == 1007);
  CHECK(strstr(gemini_live_error_reason(e), "already been used") != NULL);
  gemini_live_error_free(e);
  CHECK(stat_int(mock, "issued_tokens_refused") == 1);
  gemini_live_config_free(cfg);
  gemini_live_auth_token_free(tok);

  /* 5. An unlimited token (uses 0) opens several sessions. */
  snprintf(req, sizeof req, "{\"base_url\":\"%s\",\"uses\":0}", http);
  CHECK_OK(gemini_live_auth_token_create("backend-key", req, 5000, &tok));
  for (int i = 0; i < 2; i++) {
    CHECK_OK(gemini_live_config_new(&cfg));
    CHECK_OK(gemini_live_config_set_ephemeral_token(cfg, gemini_live_auth_token_name(tok)));
    CHECK_OK(gemini_live_config_set_base_url(cfg, gemini_live_mock_server_url(mock)));
    s = open_recorded(cfg, &rec);
    close_and_free(s, &rec);
    recorder_destroy(&rec);
  }
  gemini_live_auth_token_free(tok);
  gemini_live_mock_server_free(mock);
  printf("test_tokens: ok\n");
  return 0;
}
