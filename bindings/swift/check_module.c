/* Uses the library through its clang module, as Swift's importer does: the module GeminiLive from
 * include/module.modulemap, imported (never #included), then a text turn against the mock in pull
 * mode. Compiled as C (#pragma clang module import; C has no @import) and as Objective-C (@import).
 */
#ifdef __OBJC__
@import GeminiLive;
#else
#pragma clang module import GeminiLive
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef GEMINI_LIVE_VERSION
#error "the GeminiLive module did not export the version macros"
#endif

#define CHECK(expr)                                                                       \
  do {                                                                                    \
    gemini_live_result r_ = (expr);                                                       \
    if (r_ != GEMINI_LIVE_RESULT_OK) {                                                    \
      fprintf(stderr, "%s:%d: %s -> %s: %s\n", __FILE__, __LINE__, #expr,                 \
              gemini_live_result_name(r_), gemini_live_last_error_message());             \
      exit(1);                                                                            \
    }                                                                                     \
  } while (0)

int main(void) {
  if (strcmp(gemini_live_version(), GEMINI_LIVE_VERSION) != 0) {
    fprintf(stderr, "version mismatch: library %s, header %s\n", gemini_live_version(), GEMINI_LIVE_VERSION);
    return 1;
  }
  gemini_live_mock_server *mock = NULL;
  CHECK(gemini_live_mock_server_start("{\"api_keys\":[\"module-key\"]}", &mock));
  gemini_live_config *config = NULL;
  CHECK(gemini_live_config_new(&config));
  CHECK(gemini_live_config_set_model(config, "gemini-live-module-check"));
  CHECK(gemini_live_config_set_api_key(config, "module-key"));
  CHECK(gemini_live_config_set_base_url(config, gemini_live_mock_server_url(mock)));
  CHECK(gemini_live_config_set_response_modality(config, GEMINI_LIVE_MODALITY_TEXT));

  gemini_live_session *session = NULL;
  CHECK(gemini_live_session_new(config, NULL, NULL, NULL, &session));
  gemini_live_config_free(config);
  CHECK(gemini_live_session_send_client_text(session, "hello module", true));

  char text[256] = "";
  int turn_complete = 0, closed = 0;
  while (!closed) {
    gemini_live_event *e = NULL;
    CHECK(gemini_live_session_next_event(session, 10000, &e));
    switch (e->kind) {
      case GEMINI_LIVE_EVENT_KIND_TEXT:
        strncat(text, e->text, sizeof text - strlen(text) - 1);
        break;
      case GEMINI_LIVE_EVENT_KIND_TURN_COMPLETE:
        turn_complete = 1;
        CHECK(gemini_live_session_close(session));
        break;
      case GEMINI_LIVE_EVENT_KIND_CLOSED:
        closed = 1;
        break;
      default:
        break;
    }
    gemini_live_event_free(e);
  }
  gemini_live_session_free(session);
  gemini_live_mock_server_free(mock);
  if (!turn_complete || strcmp(text, "You said: hello module") != 0) {
    fprintf(stderr, "unexpected reply \"%s\"\n", text);
    return 1;
  }
  printf("GeminiLive module (%s): \"%s\"\n",
#ifdef __OBJC__
         "Objective-C @import",
#else
         "C #pragma clang module import",
#endif
         text);
  return 0;
}
