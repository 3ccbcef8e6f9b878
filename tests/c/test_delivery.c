/* Where callbacks run (gemini_live_config_set_delivery):
 * - POOL: on `gemini-live-cb` threads; callbacks blocked on more sessions than there are cores
 *   do not stall another session's turn (the pool adds threads); 48 sessions at once use no
 *   more threads than the cores allow, each session's events in order, one at a time.
 * - INLINE: the connection's events on the thread calling session_new, before it returns, the
 *   rest on a `gemini-live-io` thread; session_new from an inline callback is refused; free
 *   from inside the callback and from another thread keep the teardown rules; sends from
 *   inside the callback (on the network thread) keep their order. */
#include "test_util.h"
#include <dirent.h>
#include <unistd.h>

static pthread_t main_thread;

static int thread_count(void) {
  DIR *d = opendir("/proc/self/task");
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

static int current_thread_is(const char *name) {
  char got[32] = "";
  pthread_getname_np(pthread_self(), got, sizeof got);
  return strcmp(got, name) == 0;
}

/* ---- inline ---- */

static atomic_int connected_on_caller, connected_after_return, wrong_thread, new_refused;
static atomic_int returned; /* session_new has returned */
static atomic_int free_inside, freed_inside, after_free;

static void inline_hook(recorder *r, const gemini_live_event *ev) {
  if (ev->kind == GEMINI_LIVE_EVENT_KIND_CONNECTED) {
    if (pthread_equal(pthread_self(), main_thread)) atomic_fetch_add(&connected_on_caller, 1);
    if (atomic_load(&returned)) atomic_fetch_add(&connected_after_return, 1);
    return;
  }
  if (ev->kind == GEMINI_LIVE_EVENT_KIND_TEXT || ev->kind == GEMINI_LIVE_EVENT_KIND_AUDIO ||
      ev->kind == GEMINI_LIVE_EVENT_KIND_TURN_COMPLETE) {
    if (!current_thread_is("gemini-live-io")) atomic_fetch_add(&wrong_thread, 1);
  }
  if (atomic_load(&freed_inside)) atomic_fetch_add(&after_free, 1);
  if (ev->kind == GEMINI_LIVE_EVENT_KIND_AUDIO && r->user) {
    gemini_live_session *other = NULL;
    if (gemini_live_session_new((gemini_live_config *)r->user, recorder_cb, r, NULL, &other) ==
        GEMINI_LIVE_RESULT_INVALID_ARGUMENT)
      atomic_fetch_add(&new_refused, 1);
    if (other) FAIL("session_new succeeded inside an inline callback");
    r->user = NULL;
  }
  if (ev->kind == GEMINI_LIVE_EVENT_KIND_AUDIO && atomic_exchange(&free_inside, 0)) {
    gemini_live_session_free(r->session); /* returns at once; the teardown finishes elsewhere */
    atomic_store(&freed_inside, 1);
  }
}

/* A ping-pong chain driven from inside the inline callback: each pong sends the next ping from
 * the network thread itself (a direct write on the thread that reads the socket). */
#define CHAIN_ROUNDS 200
static atomic_int chain_next, chain_out_of_order, chain_send_failed;

static void chain_hook(recorder *r, const gemini_live_event *ev) {
  (void)r;
  if (ev->kind != GEMINI_LIVE_EVENT_KIND_TEXT || ev->text_len < 6 || strncmp(ev->text, "pong:", 5) != 0)
    return;
  char digits[16] = "";
  size_t n = ev->text_len - 5 < sizeof digits - 1 ? ev->text_len - 5 : sizeof digits - 1;
  memcpy(digits, ev->text + 5, n);
  int got = atoi(digits);
  int want = atomic_load(&chain_next);
  if (got != want) atomic_fetch_add(&chain_out_of_order, 1);
  atomic_store(&chain_next, want + 1);
  if (want + 1 >= CHAIN_ROUNDS) return;
  char ping[32];
  snprintf(ping, sizeof ping, "ping:%d", want + 1);
  if (gemini_live_session_send_realtime_text(r->session, ping) != GEMINI_LIVE_RESULT_OK)
    atomic_fetch_add(&chain_send_failed, 1);
}

static void test_inline(gemini_live_mock_server *mock) {
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_AUDIO);
  CHECK_RESULT(gemini_live_config_set_delivery(cfg, 7), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_config_set_delivery(NULL, GEMINI_LIVE_DELIVERY_INLINE),
               GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_OK(gemini_live_config_set_delivery(cfg, GEMINI_LIVE_DELIVERY_INLINE));

  /* 1. a whole turn: where each event runs, in order, and session_new refused inside */
  recorder rec;
  recorder_init(&rec);
  rec.hook = inline_hook;
  rec.user = cfg;
  gemini_live_session *s = NULL;
  atomic_store(&returned, 0);
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, recorder_finalize, &s));
  atomic_store(&returned, 1);
  rec.session = s;
  CHECK(count_of(&rec, GEMINI_LIVE_EVENT_KIND_CONNECTED) == 1); /* delivered before new returned */
  CHECK(atomic_load(&connected_on_caller) == 1);
  CHECK(atomic_load(&connected_after_return) == 0);
  CHECK_OK(gemini_live_session_send_client_text(s, "hello", true));
  WAIT_KIND(&rec, TURN_COMPLETE, 1);
  CHECK(rec.audio_bytes > 0);
  CHECK(atomic_load(&wrong_thread) == 0);
  CHECK(atomic_load(&new_refused) == 1);
  CHECK(atomic_load(&rec.concurrent_violations) == 0);
  close_and_free(s, &rec);
  CHECK(rec.events_after_closed == 0);
  recorder_destroy(&rec);

  /* 2. free from inside an inline callback: at once; the finalizer follows on another thread */
  recorder_init(&rec);
  rec.hook = inline_hook;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, counting_finalizer, &s));
  rec.session = s;
  atomic_store(&free_inside, 1);
  CHECK_OK(gemini_live_session_send_client_text(s, "talk", true));
  wait_finalizer_calls(1);
  CHECK(atomic_load(&after_free) == 0);
  CHECK(count_of(&rec, GEMINI_LIVE_EVENT_KIND_AUDIO) == 1);
  recorder_destroy(&rec);

  /* 3. free from this thread while audio flows inline: no callback after free returns */
  for (int round = 0; round < 10; round++) {
    recorder_init(&rec);
    CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, counting_finalizer, &s));
    CHECK_OK(gemini_live_session_send_client_text(s, "talk", true));
    WAIT_KIND(&rec, AUDIO, 1 + round % 3);
    int before = atomic_load(&finalizer_calls);
    gemini_live_session_free(s);
    int total = rec.total;
    CHECK(atomic_load(&finalizer_calls) == before + 1);
    CHECK(atomic_load(&rec.in_callback) == 0);
    CHECK(rec.total == total);
    recorder_destroy(&rec);
  }
  gemini_live_config_free(cfg);

  /* 4. sends from inside the inline callback: a chain of round trips, each ping sent by the
   * callback that received the previous pong, all in order */
  cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  CHECK_OK(gemini_live_config_set_delivery(cfg, GEMINI_LIVE_DELIVERY_INLINE));
  recorder_init(&rec);
  rec.hook = chain_hook;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, recorder_finalize, &s));
  rec.session = s;
  CHECK_OK(gemini_live_session_send_realtime_text(s, "ping:0"));
  WAIT_KIND(&rec, TEXT, CHAIN_ROUNDS);
  close_and_free(s, &rec); /* after free no callback runs: the hooks are done */
  CHECK(atomic_load(&chain_next) == CHAIN_ROUNDS);
  CHECK(atomic_load(&chain_out_of_order) == 0);
  CHECK(atomic_load(&chain_send_failed) == 0);
  recorder_destroy(&rec);
  gemini_live_config_free(cfg);
}

/* ---- pool ---- */

#define POOL_SESSIONS 48

static atomic_int pool_wrong_thread;
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_open;
static atomic_int blocked_now;

static void pool_hook(recorder *r, const gemini_live_event *ev) {
  (void)r;
  if (!current_thread_is("gemini-live-cb")) atomic_fetch_add(&pool_wrong_thread, 1);
  if (ev->kind == GEMINI_LIVE_EVENT_KIND_TEXT && r->user) {
    /* A callback that blocks until the test lets it go. */
    r->user = NULL;
    atomic_fetch_add(&blocked_now, 1);
    pthread_mutex_lock(&gate_mu);
    struct timespec dl = deadline_in(WAIT_MS);
    while (!gate_open)
      if (pthread_cond_timedwait(&gate_cv, &gate_mu, &dl) == ETIMEDOUT) FAIL("gate never opened");
    pthread_mutex_unlock(&gate_mu);
  }
}

static void test_pool(gemini_live_mock_server *mock) {
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (cores < 2) cores = 2;
  int threads_before = thread_count();

  /* 1. cores + 1 sessions whose callbacks block: another session still gets its turn */
  int blockers = (int)cores + 1;
  recorder rec[POOL_SESSIONS];
  gemini_live_session *s[POOL_SESSIONS];
  for (int i = 0; i < blockers; i++) {
    recorder_init(&rec[i]);
    rec[i].hook = pool_hook;
    rec[i].user = &rec[i]; /* non-NULL: block on the first TEXT */
    CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec[i], recorder_finalize, &s[i]));
    rec[i].session = s[i];
    CHECK_OK(gemini_live_session_send_client_text(s[i], "block", true));
  }
  struct timespec dl = deadline_in(WAIT_MS);
  while (atomic_load(&blocked_now) < blockers - 1) { /* cores of them hold every base thread */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (now.tv_sec > dl.tv_sec) FAIL("the blocking callbacks did not start");
    pthread_mutex_lock(&gate_mu);
    struct timespec tick = deadline_in(5);
    pthread_cond_timedwait(&gate_cv, &gate_mu, &tick);
    pthread_mutex_unlock(&gate_mu);
  }
  recorder free_rec;
  recorder_init(&free_rec);
  free_rec.hook = pool_hook;
  gemini_live_session *free_s = NULL;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &free_rec, recorder_finalize, &free_s));
  CHECK_OK(gemini_live_session_send_client_text(free_s, "hello", true));
  WAIT_KIND(&free_rec, TURN_COMPLETE, 1); /* while the others still block */
  CHECK(atomic_load(&blocked_now) >= blockers - 1);
  pthread_mutex_lock(&gate_mu);
  gate_open = 1;
  pthread_cond_broadcast(&gate_cv);
  pthread_mutex_unlock(&gate_mu);
  close_and_free(free_s, &free_rec);
  recorder_destroy(&free_rec);
  for (int i = 0; i < blockers; i++) {
    WAIT_KIND(&rec[i], TURN_COMPLETE, 1);
    close_and_free(s[i], &rec[i]);
    recorder_destroy(&rec[i]);
  }

  /* 2. many sessions at once: every turn whole, in order, and few threads */
  for (int i = 0; i < POOL_SESSIONS; i++) {
    recorder_init(&rec[i]);
    rec[i].hook = pool_hook;
    CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec[i], recorder_finalize, &s[i]));
  }
  for (int i = 0; i < POOL_SESSIONS; i++) CHECK_OK(gemini_live_session_send_client_text(s[i], "hello", true));
  int peak = 0;
  for (int i = 0; i < POOL_SESSIONS; i++) {
    WAIT_KIND(&rec[i], TURN_COMPLETE, 1);
    int n = thread_count();
    if (n > peak) peak = n;
  }
  /* This process: the test's own threads, the IO runtime (<= 4), the pool (cores + 4 at most),
   * its monitor, the small runtime of pull mode and credentials, the mock's threads. None of it
   * grows with the 48 sessions. */
  printf("test_delivery: threads before %d, peak with %d sessions %d (cores %ld)\n", threads_before,
         POOL_SESSIONS, peak, cores);
  CHECK(peak < POOL_SESSIONS);
  for (int i = 0; i < POOL_SESSIONS; i++) {
    CHECK(strcmp(rec[i].text, "one two three four five") == 0);
    CHECK(atomic_load(&rec[i].concurrent_violations) == 0);
    close_and_free(s[i], &rec[i]);
    CHECK(rec[i].events_after_closed == 0);
    recorder_destroy(&rec[i]);
  }
  CHECK(atomic_load(&pool_wrong_thread) == 0);
  gemini_live_config_free(cfg);
}

int main(void) {
  main_thread = pthread_self();
  gemini_live_mock_server *mock = start_mock("{\"reply_text\":\"one two three four five\",\"audio_chunk_ms\":40}");
  test_inline(mock);
  test_pool(mock);
  gemini_live_mock_server_free(mock);
  printf("test_delivery: ok\n");
  return 0;
}
