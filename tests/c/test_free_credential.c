/* After gemini_live_session_free returns, no callback of the session runs — including the
 * credential callback of a reconnect that was in progress when free was called: free waits for
 * it to return (the credential userdata may be released right after free). */
#include "test_util.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int calls, entered, release_cb, freed, ran_past_free;

static uint32_t credential(void *userdata, char *buf, size_t cap, size_t *out_len) {
  (void)userdata;
  const char *key = "test-key";
  size_t n = strlen(key);
  if (n > cap) return GEMINI_LIVE_RESULT_BUFFER_TOO_SMALL;
  memcpy(buf, key, n);
  *out_len = n;
  pthread_mutex_lock(&mu);
  if (++calls >= 2) { /* the reconnect: hold it until the test releases it */
    entered = 1;
    pthread_cond_broadcast(&cv);
    struct timespec dl = deadline_in(WAIT_MS);
    while (!release_cb && pthread_cond_timedwait(&cv, &mu, &dl) != ETIMEDOUT) {
    }
    if (freed) ran_past_free = 1;
  }
  pthread_mutex_unlock(&mu);
  return GEMINI_LIVE_RESULT_OK;
}

static void *free_thread(void *arg) {
  gemini_live_session_free((gemini_live_session *)arg);
  pthread_mutex_lock(&mu);
  freed = 1;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  return NULL;
}

int main(void) {
  gemini_live_mock_server *mock =
      start_mock("{\"faults\":[{\"kind\":\"go_away\",\"connection\":1,\"after_messages\":1,\"time_left_ms\":2000}]}");
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  CHECK_OK(gemini_live_config_set_credential_callback(cfg, credential, NULL));
  CHECK_OK(gemini_live_config_set_session_resumption(cfg, true, NULL, false));
  CHECK_OK(gemini_live_config_set_reconnect(cfg, true, 3));
  recorder rec;
  recorder_init(&rec);
  gemini_live_session *s = NULL;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, recorder_finalize, &s));
  WAIT_KIND(&rec, RESUMPTION_UPDATE, 1);
  CHECK_OK(gemini_live_session_send_realtime_text(s, "ping:move")); /* goAway → reconnect */

  pthread_mutex_lock(&mu);
  struct timespec dl = deadline_in(WAIT_MS);
  while (!entered)
    if (pthread_cond_timedwait(&cv, &mu, &dl) == ETIMEDOUT) FAIL("no reconnect credential call");
  pthread_mutex_unlock(&mu);

  pthread_t t;
  CHECK(pthread_create(&t, NULL, free_thread, s) == 0);
  /* free must not return while the credential callback runs: well past the 1 s close wait */
  pthread_mutex_lock(&mu);
  dl = deadline_in(2 * GEMINI_LIVE_CLOSE_WAIT_MS + 500);
  while (!freed && pthread_cond_timedwait(&cv, &mu, &dl) != ETIMEDOUT) {
  }
  if (freed) FAIL("free returned while the credential callback was still running");
  release_cb = 1;
  pthread_cond_broadcast(&cv);
  dl = deadline_in(WAIT_MS);
  while (!freed)
    if (pthread_cond_timedwait(&cv, &mu, &dl) == ETIMEDOUT) FAIL("free did not return");
  pthread_mutex_unlock(&mu);
  pthread_join(t, NULL);
  CHECK(ran_past_free == 0);
  CHECK(calls == 2); /* no call started after free */
  CHECK(atomic_load(&rec.finalized) == 1);

  recorder_destroy(&rec);
  gemini_live_config_free(cfg);
  gemini_live_mock_server_free(mock);
  printf("test_free_credential: ok\n");
  return 0;
}
