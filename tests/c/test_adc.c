/* Vertex AI with Application Default Credentials, end to end against the mock's OAuth token
 * endpoint, metadata-server emulation and Vertex Live path:
 * - a service-account key file (a key the mock made; it verifies the JWT assertion's
 *   signature): the session connects with the access token it yields, and with tokens that
 *   live 2 s (inside the 20 s refresh margin) every connection, the reconnect after goAway
 *   included, fetches a fresh one; with 1 h tokens the cached one is reused;
 * - an assertion signed with another account's key is refused: CREDENTIAL, with the token
 *   endpoint's message and without key material;
 * - GOOGLE_APPLICATION_CREDENTIALS, an authorized_user file, and the metadata server
 *   (GCE_METADATA_HOST) when no file is found. */
#include "test_util.h"

#include <unistd.h>

static char paths[4][64];

/* Writes `text` to a new temporary file; returns its path (static buffer per slot). */
static const char *write_temp(const char *text, int slot) {
  snprintf(paths[slot], sizeof paths[slot], "/tmp/gemini-live-adc-XXXXXX");
  int fd = mkstemp(paths[slot]);
  CHECK(fd >= 0);
  size_t n = strlen(text);
  CHECK(write(fd, text, n) == (ssize_t)n);
  close(fd);
  return paths[slot];
}

static char *credentials(gemini_live_mock_server *m, const char *kind) {
  char *json = NULL;
  CHECK_OK(gemini_live_mock_server_credentials_json(m, kind, &json));
  CHECK(json != NULL);
  return json;
}

static gemini_live_config *adc_config(gemini_live_mock_server *m, const char *file) {
  gemini_live_config *c = NULL;
  CHECK_OK(gemini_live_config_new(&c));
  CHECK_OK(gemini_live_config_set_base_url(c, gemini_live_mock_server_url(m)));
  CHECK_OK(gemini_live_config_set_vertex_adc(c, "mock-project", "us-central1", file));
  CHECK_OK(gemini_live_config_set_model(c, "gemini-live-test"));
  CHECK_OK(gemini_live_config_set_response_modality(c, GEMINI_LIVE_MODALITY_TEXT));
  return c;
}

/* Connects, exchanges one turn, closes. */
static void one_session(gemini_live_config *cfg) {
  recorder rec;
  recorder_init(&rec);
  gemini_live_session *s = NULL;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, recorder_finalize, &s));
  CHECK_OK(gemini_live_session_send_client_text(s, "hi", true));
  WAIT_KIND(&rec, TURN_COMPLETE, 1);
  CHECK(strstr(rec.text, "You said: hi") != NULL);
  close_and_free(s, &rec);
  recorder_destroy(&rec);
}

/* The value of `"key":"..."` in `json`, copied into `out`. */
static void json_string(const char *json, const char *key, char *out, size_t cap) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  const char *p = strstr(json, pattern);
  CHECK(p != NULL);
  p += strlen(pattern);
  const char *end = strchr(p, '"');
  CHECK(end != NULL && (size_t)(end - p) < cap);
  memcpy(out, p, (size_t)(end - p));
  out[end - p] = '\0';
}

int main(void) {
  /* Nothing from the environment may leak in. */
  unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
  setenv("CLOUDSDK_CONFIG", "/nonexistent/gemini-live-test", 1);
  unsetenv("GCE_METADATA_HOST");

  /* 1. Service account, 2 s tokens: a fresh one for every connection, reconnects included. */
  gemini_live_mock_server *mock = start_mock(
      "{\"access_token_lifetime_ms\":2000,\"bearer_tokens\":[\"never-issued\"],"
      "\"faults\":[{\"kind\":\"go_away\",\"connection\":1,\"after_messages\":1,\"time_left_ms\":2000}]}");
  char *sa = credentials(mock, "service_account");
  CHECK(strstr(sa, "\"type\":\"service_account\"") != NULL);
  const char *sa_file = write_temp(sa, 0);
  gemini_live_config *cfg = adc_config(mock, sa_file);
  CHECK_OK(gemini_live_config_set_session_resumption(cfg, true, NULL, false));
  CHECK_OK(gemini_live_config_set_reconnect(cfg, true, 3));
  recorder rec;
  recorder_init(&rec);
  gemini_live_session *s = NULL;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, recorder_finalize, &s));
  CHECK(stat_int(mock, "oauth_tokens_issued") == 1);
  WAIT_KIND(&rec, RESUMPTION_UPDATE, 1);
  CHECK_OK(gemini_live_session_send_realtime_text(s, "ping:before"));
  WAIT_KIND(&rec, RECONNECTED, 1);
  WAIT_STAT(mock, "/resumptions_ok", 1);
  CHECK(stat_int(mock, "oauth_tokens_issued") == 2);
  CHECK_OK(gemini_live_session_send_client_text(s, "after the move", true));
  WAIT_KIND(&rec, TURN_COMPLETE, 1);
  CHECK(strstr(rec.text, "You said: after the move") != NULL);
  close_and_free(s, &rec);
  recorder_destroy(&rec);
  gemini_live_config_free(cfg);

  /* 2. A JWT signed with one account's key but naming another account: refused. */
  char *other = credentials(mock, "service_account");
  char email[256], other_email[256];
  json_string(sa, "client_email", email, sizeof email);
  json_string(other, "client_email", other_email, sizeof other_email);
  CHECK(strcmp(email, other_email) != 0);
  char *forged = malloc(strlen(sa) + 256);
  CHECK(forged != NULL);
  const char *at = strstr(sa, email);
  snprintf(forged, strlen(sa) + 256, "%.*s%s%s", (int)(at - sa), sa, other_email, at + strlen(email));
  cfg = adc_config(mock, write_temp(forged, 1));
  s = NULL;
  CHECK_RESULT(gemini_live_session_new(cfg, NULL, NULL, NULL, &s), GEMINI_LIVE_RESULT_CREDENTIAL);
  CHECK_ERROR_MENTIONS("Invalid JWT Signature");
  CHECK(strstr(gemini_live_last_error_message(), "PRIVATE KEY") == NULL);
  CHECK(stat_int(mock, "oauth_grants_refused") >= 1);
  gemini_live_config_free(cfg);
  free(forged);
  gemini_live_string_free(other);

  /* 3. GOOGLE_APPLICATION_CREDENTIALS names the key file. */
  setenv("GOOGLE_APPLICATION_CREDENTIALS", sa_file, 1);
  cfg = adc_config(mock, NULL);
  one_session(cfg);
  gemini_live_config_free(cfg);
  unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
  CHECK(stat_int(mock, "oauth_tokens_issued") == 3);

  /* 4. User credentials (refresh-token grant). */
  char *user = credentials(mock, "authorized_user");
  cfg = adc_config(mock, write_temp(user, 2));
  one_session(cfg);
  gemini_live_config_free(cfg);
  CHECK(stat_int(mock, "oauth_tokens_issued") == 4);
  gemini_live_string_free(user);

  /* 5. No file anywhere: the metadata server. */
  const char *http = gemini_live_mock_server_http_url(mock);
  setenv("GCE_METADATA_HOST", http + strlen("http://"), 1);
  cfg = adc_config(mock, NULL);
  one_session(cfg);
  gemini_live_config_free(cfg);
  unsetenv("GCE_METADATA_HOST");
  CHECK(stat_int(mock, "metadata_tokens_issued") == 1);
  gemini_live_mock_server_free(mock);

  /* 6. 1 h tokens: two sessions of one config share one token. */
  mock = start_mock("{\"bearer_tokens\":[\"never-issued\"]}");
  char *sa2 = credentials(mock, "service_account");
  cfg = adc_config(mock, write_temp(sa2, 3));
  one_session(cfg);
  one_session(cfg);
  CHECK(stat_int(mock, "oauth_tokens_issued") == 1);
  gemini_live_config_free(cfg);
  gemini_live_mock_server_free(mock);

  /* 7. Argument checks. */
  CHECK_OK(gemini_live_config_new(&cfg));
  CHECK_RESULT(gemini_live_config_set_vertex_adc(NULL, "p", "us-central1", NULL), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_RESULT(gemini_live_config_set_vertex_adc(cfg, NULL, "us-central1", NULL), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_RESULT(gemini_live_config_set_vertex_adc(cfg, "p", "evil.example.com#", NULL),
               GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  gemini_live_config_free(cfg);

  for (int i = 0; i < 4; i++) CHECK(unlink(paths[i]) == 0);
  gemini_live_string_free(sa);
  gemini_live_string_free(sa2);
  printf("test_adc: ok\n");
  return 0;
}
