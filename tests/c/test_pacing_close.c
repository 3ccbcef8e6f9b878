/* Close wakes paced senders at once: with audio pacing at a low rate, a sender thread blocked
 * inside gemini_live_session_send_audio for a 30 s pacing wait returns CLOSED as soon as another
 * thread calls gemini_live_session_close (well before the pacing time, under a 10 s deadline),
 * and nothing more is queued. The same holds when the paced sender is woken by the session's
 * end (the server closing). */
#include "test_util.h"

#include <sys/syscall.h>
#include <unistd.h>

#define RATE 8000                          /* 16000 bytes/s of PCM16 */
#define PACED_BYTES ((size_t)RATE * 2 * 30) /* 30 s of pacing with no burst allowance */

typedef struct {
  gemini_live_session *s;
  uint8_t *pcm;
  atomic_int tid;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int done;
  gemini_live_result result;
} sender;

static void *send_thread(void *arg) {
  sender *x = (sender *)arg;
  atomic_store(&x->tid, (int)syscall(SYS_gettid));
  gemini_live_result r = gemini_live_session_send_audio(x->s, x->pcm, PACED_BYTES, RATE);
  pthread_mutex_lock(&x->mu);
  x->result = r;
  x->done = 1;
  pthread_cond_broadcast(&x->cv);
  pthread_mutex_unlock(&x->mu);
  return NULL;
}

/* The scheduler state letter of thread `tid` of this process ('R', 'S', ...). */
static char thread_state(int tid) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
  FILE *f = fopen(path, "r");
  if (!f) return '?';
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  const char *p = strrchr(buf, ')'); /* "pid (comm) S ..." */
  return p && p[1] == ' ' ? p[2] : '?';
}

/* Waits (bounded) until the sender thread is asleep inside send_audio: the pacing wait. */
static void wait_until_sleeping(sender *x) {
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    int tid = atomic_load(&x->tid);
    if (tid && thread_state(tid) == 'S') return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec - start.tv_sec > WAIT_MS / 1000) FAIL("the sender never blocked in send_audio");
    sched_yield();
  }
}

/* Starts a paced sender, waits until it blocks, runs `wake`, and expects CLOSED in time. */
static void paced_sender_is_woken(gemini_live_session *s, uint8_t *pcm, void (*wake)(void *), void *arg) {
  sender x;
  memset(&x, 0, sizeof x);
  x.s = s;
  x.pcm = pcm;
  pthread_mutex_init(&x.mu, NULL);
  pthread_cond_init(&x.cv, NULL);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, send_thread, &x) == 0);
  wait_until_sleeping(&x);
  wake(arg);
  struct timespec dl = deadline_in(WAIT_MS); /* a third of the 30 s pacing time */
  pthread_mutex_lock(&x.mu);
  while (!x.done)
    if (pthread_cond_timedwait(&x.cv, &x.mu, &dl) == ETIMEDOUT) FAIL("the paced send was not woken");
  pthread_mutex_unlock(&x.mu);
  pthread_join(t, NULL);
  if (x.result != GEMINI_LIVE_RESULT_CLOSED)
    FAIL("the woken send returned %s, want CLOSED", gemini_live_result_name(x.result));
  pthread_mutex_destroy(&x.mu);
  pthread_cond_destroy(&x.cv);
}

static void do_close(void *arg) { CHECK_OK(gemini_live_session_close((gemini_live_session *)arg)); }

static void do_server_close(void *arg) {
  /* the mock's scenario closes the connection (1000) on this text */
  CHECK_OK(gemini_live_session_send_realtime_text((gemini_live_session *)arg, "bye"));
}

int main(void) {
  uint8_t *pcm = calloc(PACED_BYTES, 1);
  CHECK(pcm);

  /* 1. close from another thread */
  gemini_live_mock_server *mock = start_mock(NULL);
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  CHECK_OK(gemini_live_config_set_audio_pacing(cfg, true, RATE, 0));
  recorder rec;
  recorder_init(&rec);
  gemini_live_session *s = NULL;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, recorder_finalize, &s));
  WAIT_KIND(&rec, CONNECTED, 1);
  paced_sender_is_woken(s, pcm, do_close, s);
  WAIT_KIND(&rec, CLOSED, 1);
  CHECK(stat_int(mock, "realtime_audio") == 0); /* the woken send queued nothing */
  gemini_live_session_free(s);
  CHECK(atomic_load(&rec.finalized) == 1);
  recorder_destroy(&rec);
  gemini_live_config_free(cfg);
  gemini_live_mock_server_free(mock);

  /* 2. the server ends the session while the sender waits */
  mock = start_mock("{\"scenario\":[{\"on\":\"realtimeInput.text\",\"close\":{\"code\":1000,\"reason\":\"done\"}}]}");
  cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  CHECK_OK(gemini_live_config_set_audio_pacing(cfg, true, RATE, 0));
  recorder_init(&rec);
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, recorder_finalize, &s));
  WAIT_KIND(&rec, CONNECTED, 1);
  paced_sender_is_woken(s, pcm, do_server_close, s);
  WAIT_KIND(&rec, CLOSED, 1);
  gemini_live_session_free(s);
  recorder_destroy(&rec);
  gemini_live_config_free(cfg);
  gemini_live_mock_server_free(mock);

  free(pcm);
  printf("test_pacing_close: ok\n");
  return 0;
}
