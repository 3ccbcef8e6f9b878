/* Threading: sends from 8 threads at once (the mock counts every message), sends from inside
 * the callback, a blocked callback does not stall another session, and a session created from
 * inside a callback. Events of one session never overlap (the recorder checks it). */
#include "test_util.h"

#define THREADS 8
#define PER_THREAD 200
#define CHAIN 50

static gemini_live_session *shared_session;
static atomic_int queue_full_retries;

static void *sender(void *arg) {
  int id = (int)(intptr_t)arg;
  char text[64];
  for (int j = 0; j < PER_THREAD; j++) {
    snprintf(text, sizeof text, "ping:t%d-%d", id, j);
    gemini_live_result r;
    while ((r = gemini_live_session_send_realtime_text(shared_session, text)) == GEMINI_LIVE_RESULT_QUEUE_FULL)
      atomic_fetch_add(&queue_full_retries, 1); /* explicit policy: retry, never dropped */
    if (r != GEMINI_LIVE_RESULT_OK) FAIL("send: %s", gemini_live_result_name(r));
  }
  return NULL;
}

/* gate for the blocked-callback case */
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_open, gate_entered;
static atomic_int chain_sent;
static gemini_live_config *spawn_config;
static _Atomic(gemini_live_session *) spawned;
static recorder spawned_rec;

static void hook(recorder *r, const gemini_live_event *ev) {
  if (ev->kind != GEMINI_LIVE_EVENT_KIND_TEXT) return;
  if (strncmp(ev->text, "pong:cb", 7) == 0) {
    /* a send from inside the callback, chained CHAIN times */
    int n = atomic_fetch_add(&chain_sent, 1) + 1;
    if (n < CHAIN) {
      char text[32];
      snprintf(text, sizeof text, "ping:cb%d", n);
      CHECK_OK(gemini_live_session_send_realtime_text(r->session, text));
    }
    pthread_mutex_lock(&r->mu); /* tell the waiting main thread */
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
  } else if (strcmp(ev->text, "pong:block") == 0) {
    pthread_mutex_lock(&gate_mu);
    gate_entered = 1;
    pthread_cond_broadcast(&gate_cv);
    struct timespec dl = deadline_in(WAIT_MS);
    while (!gate_open)
      if (pthread_cond_timedwait(&gate_cv, &gate_mu, &dl) == ETIMEDOUT) FAIL("gate never opened");
    pthread_mutex_unlock(&gate_mu);
  } else if (strcmp(ev->text, "pong:spawn") == 0) {
    /* creating (blocking connect) and using another session from inside a callback */
    gemini_live_session *child = NULL;
    CHECK_OK(gemini_live_session_new(spawn_config, recorder_cb, &spawned_rec, recorder_finalize, &child));
    atomic_store(&spawned, child);
    CHECK_OK(gemini_live_session_send_realtime_text(child, "ping:child"));
  }
}

int main(void) {
  gemini_live_mock_server *mock = start_mock(NULL);
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  spawn_config = cfg;
  recorder a, b;
  recorder_init(&spawned_rec);
  recorder_init(&a);
  recorder_init(&b);
  a.hook = hook;
  gemini_live_session *sa = NULL, *sb = NULL;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &a, recorder_finalize, &sa));
  a.session = sa;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &b, recorder_finalize, &sb));
  WAIT_KIND(&a, CONNECTED, 1);
  WAIT_KIND(&b, CONNECTED, 1);

  /* 8 threads at once */
  shared_session = sa;
  pthread_t t[THREADS];
  for (int i = 0; i < THREADS; i++) CHECK(pthread_create(&t[i], NULL, sender, (void *)(intptr_t)i) == 0);
  for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
  WAIT_STAT(mock, "/messages/realtime_text", THREADS * PER_THREAD);
  wait_kind(&a, GEMINI_LIVE_EVENT_KIND_TEXT, THREADS * PER_THREAD, WAIT_MS, "all pongs");
  CHECK(stat_int(mock, "realtime_text") == THREADS * PER_THREAD);

  /* sends from inside the callback */
  CHECK_OK(gemini_live_session_send_realtime_text(sa, "ping:cb0"));
  struct timespec cdl = deadline_in(WAIT_MS);
  pthread_mutex_lock(&a.mu);
  while (atomic_load(&chain_sent) < CHAIN)
    if (pthread_cond_timedwait(&a.cv, &a.mu, &cdl) == ETIMEDOUT) FAIL("callback chain stopped");
  pthread_mutex_unlock(&a.mu);
  CHECK(atomic_load(&chain_sent) == CHAIN);
  CHECK(count_of(&a, GEMINI_LIVE_EVENT_KIND_TEXT) == THREADS * PER_THREAD + CHAIN);

  /* A's callback blocks; B still round-trips */
  CHECK_OK(gemini_live_session_send_realtime_text(sa, "ping:block"));
  pthread_mutex_lock(&gate_mu);
  struct timespec dl = deadline_in(WAIT_MS);
  while (!gate_entered)
    if (pthread_cond_timedwait(&gate_cv, &gate_mu, &dl) == ETIMEDOUT) FAIL("callback never blocked");
  pthread_mutex_unlock(&gate_mu);
  CHECK_OK(gemini_live_session_send_realtime_text(sa, "ping:queued-behind-block"));
  CHECK_OK(gemini_live_session_send_realtime_text(sb, "ping:b"));
  WAIT_KIND(&b, TEXT, 1);
  CHECK(strcmp(b.text, "pong:b") == 0);
  int before = count_of(&a, GEMINI_LIVE_EVENT_KIND_TEXT);
  pthread_mutex_lock(&gate_mu);
  gate_open = 1;
  pthread_cond_broadcast(&gate_cv);
  pthread_mutex_unlock(&gate_mu);
  wait_kind(&a, GEMINI_LIVE_EVENT_KIND_TEXT, before + 1, WAIT_MS, "event queued behind the block");

  /* a session created inside a callback */
  CHECK_OK(gemini_live_session_send_realtime_text(sa, "ping:spawn"));
  wait_kind(&a, GEMINI_LIVE_EVENT_KIND_TEXT, before + 2, WAIT_MS, "spawn pong");
  WAIT_KIND(&spawned_rec, TEXT, 1);
  CHECK(strcmp(spawned_rec.text, "pong:child") == 0);
  close_and_free(atomic_load(&spawned), &spawned_rec);
  recorder_destroy(&spawned_rec);

  close_and_free(sa, &a);
  close_and_free(sb, &b);
  printf("test_threads: ok (%d queue-full retries)\n", atomic_load(&queue_full_retries));
  gemini_live_config_free(cfg);
  gemini_live_mock_server_free(mock);
  recorder_destroy(&a);
  recorder_destroy(&b);
  return 0;
}
