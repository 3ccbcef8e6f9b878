/* Teardown: free from inside the callback (deferred, no deadlock), free from another thread
 * while audio events are flowing (repeated), no callback after free returns, and the finalizer
 * runs exactly once, after the last callback. */
#include "test_util.h"

static atomic_int freed;            /* set once gemini_live_session_free has returned */
static atomic_int after_free;       /* callbacks seen after that */
static atomic_int free_in_callback; /* the callback should free its own session */


static void hook(recorder *r, const gemini_live_event *ev) {
  if (atomic_load(&freed)) atomic_fetch_add(&after_free, 1);
  if (ev->kind == GEMINI_LIVE_EVENT_KIND_AUDIO && atomic_exchange(&free_in_callback, 0)) {
    gemini_live_session_free(r->session); /* deferred until this callback returns */
    atomic_store(&freed, 1);
  }
}


int main(void) {
  /* a long spoken reply: many audio chunks */
  char mock_json[4096];
  char words[3000] = "";
  for (int i = 0; i < 300; i++) strcat(words, "word ");
  snprintf(mock_json, sizeof mock_json, "{\"reply_text\":\"%s\",\"audio_chunk_ms\":40}", words);
  gemini_live_mock_server *mock = start_mock(mock_json);
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_AUDIO);

  /* 1. free from inside the callback */
  recorder rec;
  recorder_init(&rec);
  rec.hook = hook;
  gemini_live_session *s = NULL;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, counting_finalizer, &s));
  rec.session = s;
  atomic_store(&free_in_callback, 1);
  CHECK_OK(gemini_live_session_send_client_text(s, "talk", true));
  wait_finalizer_calls(1);
  CHECK(atomic_load(&freed) == 1);
  CHECK(count_of(&rec, GEMINI_LIVE_EVENT_KIND_AUDIO) == 1); /* nothing after the freeing callback */
  CHECK(atomic_load(&after_free) == 0);
  CHECK(atomic_load(&finalizer_calls) == 1);
  recorder_destroy(&rec);

  /* 2. free from this thread while audio flows, repeatedly */
  for (int round = 0; round < 20; round++) {
    atomic_store(&freed, 0);
    recorder_init(&rec);
    rec.hook = hook;
    CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, counting_finalizer, &s));
    rec.session = s;
    CHECK_OK(gemini_live_session_send_client_text(s, "talk", true));
    WAIT_KIND(&rec, AUDIO, 1 + round % 3);
    int before = atomic_load(&finalizer_calls);
    gemini_live_session_free(s);
    atomic_store(&freed, 1);
    CHECK(atomic_load(&finalizer_calls) == before + 1); /* ran before free returned */
    CHECK(atomic_load(&rec.in_callback) == 0);
    recorder_destroy(&rec);
  }
  CHECK(atomic_load(&after_free) == 0);

  /* 3. free right after new, before any event was delivered; and a pull session */
  recorder_init(&rec);
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, counting_finalizer, &s));
  int before = atomic_load(&finalizer_calls);
  gemini_live_session_free(s);
  CHECK(atomic_load(&finalizer_calls) == before + 1);
  recorder_destroy(&rec);
  CHECK_OK(gemini_live_session_new(cfg, NULL, &rec, counting_finalizer, &s));
  gemini_live_session_free(s);
  CHECK(atomic_load(&finalizer_calls) == before + 2);

  gemini_live_config_free(cfg);
  gemini_live_mock_server_free(mock);
  printf("test_teardown: ok\n");
  return 0;
}
