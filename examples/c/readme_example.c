/* The README's C example: ask one question by text and print the answer.
 * Talks to the real Gemini API when GEMINI_API_KEY is set, else to the bundled mock server. */
#include <gemini_live.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int done;
} turn_state;

/* Runs on a library callback thread; the event is borrowed until we return. */
static void on_event(void *userdata, const gemini_live_event *ev) {
  turn_state *st = userdata;
  if (ev->kind == GEMINI_LIVE_EVENT_KIND_TEXT ||
      ev->kind == GEMINI_LIVE_EVENT_KIND_OUTPUT_TRANSCRIPTION) {
    printf("%.*s", (int)ev->text_len, ev->text);
    fflush(stdout);
  } else if (ev->kind == GEMINI_LIVE_EVENT_KIND_TURN_COMPLETE ||
             ev->kind == GEMINI_LIVE_EVENT_KIND_CLOSED) {
    pthread_mutex_lock(&st->mu);
    st->done = 1;
    pthread_cond_signal(&st->cv);
    pthread_mutex_unlock(&st->mu);
  }
}

#define TRY(call)                                                        \
  do {                                                                   \
    gemini_live_result r_ = (call);                                      \
    if (r_ != GEMINI_LIVE_RESULT_OK) {                                   \
      fprintf(stderr, "%s: %s: %s\n", #call, gemini_live_result_name(r_), \
              gemini_live_last_error_message());                         \
      exit(1);                                                           \
    }                                                                    \
  } while (0)

int main(void) {
  gemini_live_mock_server *mock = NULL;
  gemini_live_config *cfg = NULL;
  TRY(gemini_live_config_new(&cfg));
  const char *key = getenv("GEMINI_API_KEY");
  if (key) {
    TRY(gemini_live_config_set_api_key(cfg, key));
    TRY(gemini_live_config_set_output_transcription(cfg, true));
  } else {
    TRY(gemini_live_mock_server_start(NULL, &mock)); /* offline: the bundled mock */
    TRY(gemini_live_config_set_base_url(cfg, gemini_live_mock_server_url(mock)));
    TRY(gemini_live_config_set_api_key(cfg, "any-key"));
    TRY(gemini_live_config_set_response_modality(cfg, GEMINI_LIVE_MODALITY_TEXT));
  }

  turn_state st = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
  gemini_live_session *session = NULL;
  TRY(gemini_live_session_new(cfg, on_event, &st, NULL, &session)); /* blocks until ready */
  gemini_live_config_free(cfg); /* the session keeps its own copy */

  TRY(gemini_live_session_send_client_text(session, "Say hello in five words.", true));
  pthread_mutex_lock(&st.mu);
  while (!st.done) pthread_cond_wait(&st.cv, &st.mu);
  pthread_mutex_unlock(&st.mu);
  printf("\n");

  gemini_live_session_free(session); /* closes; no callback runs after this returns */
  gemini_live_mock_server_free(mock);
  return 0;
}
