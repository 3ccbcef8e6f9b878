/* Credentials and endpoints are checked where they are set, and secrets never reach messages:
 * - a Vertex location or project that is not a plain name is INVALID_ARGUMENT at the setter,
 *   and no connection is ever attempted to the host:port hidden in it (a loopback listener on
 *   that port sees nothing);
 * - a non-ASCII or control character in an API key, ephemeral token or bearer token is
 *   INVALID_ARGUMENT at the setter, with a message that does not repeat the secret;
 * - error messages about a base URL print neither its user:password nor its query values. */
#include "test_util.h"

#include <poll.h>
#include <unistd.h>


/* Whether a connection is waiting on the listener (the kernel completes TCP handshakes into
 * the backlog without accept, so a connection attempt, if any, is visible here). */
static int has_pending_connection(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  return poll(&p, 1, 0) > 0;
}

/* The last error message must not contain `secret`. */
static void check_not_echoed(const char *secret) {
  const char *m = gemini_live_last_error_message();
  if (strstr(m, secret)) FAIL("the error message repeats the secret: %s", m);
}

int main(void) {
  gemini_live_config *c = NULL;

  /* 1. Vertex location/project: plain names only; nothing is dialed. */
  int port = 0;
  int lfd = listen_loopback(&port);
  char location[128];
  snprintf(location, sizeof location, "127.0.0.1:%d/x#", port);
  CHECK_OK(gemini_live_config_new(&c));
  CHECK_OK(gemini_live_config_set_connect_timeout_ms(c, 2000));
  CHECK_RESULT(gemini_live_config_set_vertex(c, "proj", location, "ya29.SECRET-TOKEN"),
               GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_ERROR_MENTIONS("location");
  check_not_echoed("SECRET-TOKEN");
  /* the refused setter stored nothing: the session cannot even start */
  gemini_live_session *s = NULL;
  CHECK_RESULT(gemini_live_session_new(c, NULL, NULL, NULL, &s), GEMINI_LIVE_RESULT_CONFIG);
  CHECK(s == NULL);
  CHECK(!has_pending_connection(lfd));
  const char *bad_locations[] = {"evil.example.com#", "US-CENTRAL1", "us central1", "us/x",
                                 "us?x",              "us@x",        "us%2f",       "-us"};
  for (size_t i = 0; i < sizeof bad_locations / sizeof *bad_locations; i++)
    CHECK_RESULT(gemini_live_config_set_vertex(c, "proj", bad_locations[i], "t"),
                 GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  const char *bad_projects[] = {"p/x", "p?x", "p#x", "p%2f", "p@x", "p x", "p\n"};
  for (size_t i = 0; i < sizeof bad_projects / sizeof *bad_projects; i++) {
    CHECK_RESULT(gemini_live_config_set_vertex(c, bad_projects[i], "us-central1", "t"),
                 GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("project");
  }
  CHECK_OK(gemini_live_config_set_vertex(c, "my-project", "us-central1", "ya29.token"));
  CHECK_OK(gemini_live_config_set_vertex(c, "example.com:my-project", "global", NULL));
  CHECK_OK(gemini_live_config_set_vertex(c, "123456789012", "europe-west4", "ya29.token"));
  CHECK(!has_pending_connection(lfd));
  close(lfd);

  /* 2. Secrets that cannot go in an HTTP header are refused at the setter, without echo. */
  const char *bad_secrets[] = {"AIzaSECRET\xc3\xa9", "AIzaSECRET\n", "AIzaSECRET\r", "\tAIzaSECRET",
                               "AIzaSECRET\x7f",     "AIza\xc2\xa0SECRET"};
  for (size_t i = 0; i < sizeof bad_secrets / sizeof *bad_secrets; i++) {
    CHECK_RESULT(gemini_live_config_set_api_key(c, bad_secrets[i]), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("api_key");
    check_not_echoed("SECRET");
    CHECK_RESULT(gemini_live_config_set_ephemeral_token(c, bad_secrets[i]), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("token");
    check_not_echoed("SECRET");
    CHECK_RESULT(gemini_live_config_set_vertex(c, "p", "us-central1", bad_secrets[i]),
                 GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("access_token");
    check_not_echoed("SECRET");
  }
  CHECK_OK(gemini_live_config_set_api_key(c, "AIza-Sy_0123456789.~/+="));
  CHECK_OK(gemini_live_config_set_ephemeral_token(c, "auth_tokens/abc.def"));
  gemini_live_config_free(c);

  /* 3. URLs in error messages: no userinfo, no query values. */
  CHECK_OK(gemini_live_config_new(&c));
  CHECK_OK(gemini_live_config_set_api_key(c, "k"));
  CHECK_RESULT(gemini_live_config_set_base_url(c, "ws://admin:hunter2@[::1"), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  check_not_echoed("hunter2");
  CHECK_OK(gemini_live_config_set_base_url(c, "ws://admin:hunter2@10.1.2.3:9/?key=AIzaSECRET"));
  CHECK_RESULT(gemini_live_session_new(c, NULL, NULL, NULL, &s), GEMINI_LIVE_RESULT_CONFIG);
  CHECK_ERROR_MENTIONS("plain-text");
  CHECK_ERROR_MENTIONS("10.1.2.3");
  check_not_echoed("hunter2");
  check_not_echoed("AIzaSECRET");
  gemini_live_config_free(c);

  printf("test_credentials: ok\n");
  return 0;
}
