/* The owned error object (gemini_live_last_error_take): every category of connect failure
 * reaches C as data, not text. A server's refusal carries its close code and reason; a bad CA
 * file is TLS (also when it breaks between the setter and the connect), a failing credential
 * callback CREDENTIAL, a refused base URL INVALID_ARGUMENT / CONFIG, a closed port
 * CONNECT_FAILED. Also: take semantics (once, per thread, NULL-safe accessors). */
#include <pthread.h>
#include <unistd.h>
#include "test_util.h"

/* Takes the calling thread's last error and checks its code and close data. */
static void expect_taken(gemini_live_result want, uint16_t close_code, const char *reason) {
  gemini_live_error *e = gemini_live_last_error_take();
  if (!e) FAIL("no error to take (want %s)", gemini_live_result_name(want));
  if (gemini_live_error_result(e) != want)
    FAIL("error object has %s, want %s (%s)", gemini_live_result_name(gemini_live_error_result(e)),
         gemini_live_result_name(want), gemini_live_error_message(e));
  /* the message is the same text the thread-local message gives */
  CHECK(strcmp(gemini_live_error_message(e), gemini_live_last_error_message()) == 0);
  if (gemini_live_error_close_code(e) != close_code)
    FAIL("close code %u, want %u", gemini_live_error_close_code(e), close_code);
  if (strcmp(gemini_live_error_reason(e), reason) != 0)
    FAIL("reason \"%s\", want \"%s\"", gemini_live_error_reason(e), reason);
  gemini_live_error_free(e);
  CHECK(gemini_live_last_error_take() == NULL); /* taken once */
}

static uint32_t failing_credential(void *userdata, char *buf, size_t cap, size_t *out_len) {
  (void)userdata, (void)buf, (void)cap, (void)out_len;
  return GEMINI_LIVE_RESULT_IO;
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  CHECK(f);
  fputs(text, f);
  fclose(f);
}

/* Fails a call on another thread: its error must not be visible here. */
static void *fail_on_other_thread(void *arg) {
  (void)arg;
  CHECK_RESULT(gemini_live_config_new(NULL), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  gemini_live_error *e = gemini_live_last_error_take();
  CHECK(e && gemini_live_error_result(e) == GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  gemini_live_error_free(e);
  return NULL;
}

int main(void) {
  gemini_live_session *s = NULL;

  /* nothing failed yet: nothing to take; NULL-safe accessors and free */
  CHECK(gemini_live_last_error_take() == NULL);
  CHECK(gemini_live_error_result(NULL) == GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK(gemini_live_error_message(NULL) == NULL);
  CHECK(gemini_live_error_reason(NULL) == NULL);
  CHECK(gemini_live_error_close_code(NULL) == 0);
  gemini_live_error_free(NULL);

  /* the server refuses the setup: SERVER_CLOSED with the close code and reason as data */
  gemini_live_mock_server *mock = start_mock("{\"api_keys\":[\"good-key\"]}");
  gemini_live_config *c = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  CHECK_OK(gemini_live_config_set_api_key(c, "bad-key"));
  CHECK_RESULT(gemini_live_session_new(c, NULL, NULL, NULL, &s), GEMINI_LIVE_RESULT_SERVER_CLOSED);
  CHECK(s == NULL);
  /* a successful call in between does not clear it */
  CHECK_OK(gemini_live_config_set_model(c, "gemini-live-test"));
  expect_taken(GEMINI_LIVE_RESULT_SERVER_CLOSED, 1007, "API key not valid. Please pass a valid API key.");
  CHECK_ERROR_MENTIONS("(1007)"); /* taking leaves the thread's message in place */
  CHECK_OK(gemini_live_config_set_api_key(c, " ")); /* blank: the server sees no key */
  CHECK_RESULT(gemini_live_session_new(c, NULL, NULL, NULL, &s), GEMINI_LIVE_RESULT_SERVER_CLOSED);
  gemini_live_error *e = gemini_live_last_error_take();
  CHECK(e && gemini_live_error_close_code(e) == 1008);
  CHECK(strstr(gemini_live_error_reason(e), "unregistered callers") != NULL);
  /* the object outlives later failures on the thread */
  CHECK_RESULT(gemini_live_config_set_api_key(c, NULL), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK(gemini_live_error_result(e) == GEMINI_LIVE_RESULT_SERVER_CLOSED);
  gemini_live_error_free(e);
  expect_taken(GEMINI_LIVE_RESULT_NULL_ARGUMENT, 0, "");

  /* a failing credential callback: CREDENTIAL, no close data */
  CHECK_OK(gemini_live_config_set_credential_callback(c, failing_credential, NULL));
  CHECK_RESULT(gemini_live_session_new(c, NULL, NULL, NULL, &s), GEMINI_LIVE_RESULT_CREDENTIAL);
  expect_taken(GEMINI_LIVE_RESULT_CREDENTIAL, 0, "");
  gemini_live_config_free(c);

  /* CA files are read once, at the setter: each kind of bad file is TLS there, not CONFIG
   * (a file that changes later cannot affect sessions: tests/ca_file_reuse.rs) */
  char ca_path[64];
  snprintf(ca_path, sizeof ca_path, "/tmp/gemini_live_test_ca_%d.pem", (int)getpid());
  c = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  write_file(ca_path, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  CHECK_RESULT(gemini_live_config_set_ca_file(c, ca_path), GEMINI_LIVE_RESULT_TLS);
  expect_taken(GEMINI_LIVE_RESULT_TLS, 0, ""); /* one PEM block whose DER is not a certificate */
  write_file(ca_path, "-----BEGIN CERTIFICATE-----\nAAAA\n"); /* bad PEM: no end line */
  CHECK_RESULT(gemini_live_config_set_ca_file(c, ca_path), GEMINI_LIVE_RESULT_TLS);
  CHECK_ERROR_MENTIONS("PEM");
  expect_taken(GEMINI_LIVE_RESULT_TLS, 0, "");
  remove(ca_path);
  CHECK_RESULT(gemini_live_config_set_ca_file(c, ca_path), GEMINI_LIVE_RESULT_TLS);
  expect_taken(GEMINI_LIVE_RESULT_TLS, 0, ""); /* unreadable */
  gemini_live_config_free(c);
  gemini_live_mock_server_free(mock);

  /* a base URL: malformed at the setter, refused by the transport at connect */
  CHECK_OK(gemini_live_config_new(&c));
  CHECK_OK(gemini_live_config_set_api_key(c, "k"));
  CHECK_RESULT(gemini_live_config_set_base_url(c, "not a url"), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  expect_taken(GEMINI_LIVE_RESULT_INVALID_ARGUMENT, 0, "");
  CHECK_OK(gemini_live_config_set_base_url(c, "ws://10.0.0.5:80")); /* plain text off loopback */
  CHECK_RESULT(gemini_live_session_new(c, NULL, NULL, NULL, &s), GEMINI_LIVE_RESULT_CONFIG);
  expect_taken(GEMINI_LIVE_RESULT_CONFIG, 0, "");

  /* connection refused: a loopback port bound, then closed */
  int port = 0;
  int fd = listen_loopback(&port);
  close(fd);
  char url[64];
  snprintf(url, sizeof url, "ws://127.0.0.1:%d", port);
  CHECK_OK(gemini_live_config_set_base_url(c, url));
  CHECK_RESULT(gemini_live_session_new(c, NULL, NULL, NULL, &s), GEMINI_LIVE_RESULT_CONNECT_FAILED);
  gemini_live_config_free(c);

  /* per thread: another thread's failure neither shows up here nor takes this one */
  pthread_t t;
  CHECK(pthread_create(&t, NULL, fail_on_other_thread, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  expect_taken(GEMINI_LIVE_RESULT_CONNECT_FAILED, 0, "");

  printf("test_error_object: ok\n");
  return 0;
}
