/* Shared helpers of the C tests: assertions, an event recorder guarded by a mutex/condvar,
 * and waits with deadlines (no sleeps as synchronisation). */
#ifndef GEMINI_LIVE_TEST_UTIL_H
#define GEMINI_LIVE_TEST_UTIL_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gemini_live.h"

#define WAIT_MS 10000

#define FAIL(...)                                                                  \
  do {                                                                             \
    fprintf(stderr, "%s:%d: FAILED: ", __FILE__, __LINE__);                        \
    fprintf(stderr, __VA_ARGS__);                                                  \
    fprintf(stderr, "\n");                                                         \
    exit(1);                                                                       \
  } while (0)

#define CHECK(cond)                                                                \
  do {                                                                             \
    if (!(cond)) FAIL("%s", #cond);                                                \
  } while (0)

#define CHECK_RESULT(expr, want)                                                   \
  do {                                                                             \
    gemini_live_result r_ = (expr);                                                \
    if (r_ != (want))                                                              \
      FAIL("%s returned %s, want %s (last error: %s)", #expr,                      \
           gemini_live_result_name(r_), gemini_live_result_name(want),             \
           gemini_live_last_error_message());                                      \
  } while (0)

#define CHECK_OK(expr) CHECK_RESULT(expr, GEMINI_LIVE_RESULT_OK)

/* The last error message must contain `needle`. */
#define CHECK_ERROR_MENTIONS(needle)                                               \
  do {                                                                             \
    const char *m_ = gemini_live_last_error_message();                             \
    if (!m_ || !strstr(m_, (needle)))                                              \
      FAIL("last error %s does not mention %s", m_ ? m_ : "(null)", (needle));     \
  } while (0)

static inline struct timespec deadline_in(int ms) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += ms / 1000;
  ts.tv_nsec += (long)(ms % 1000) * 1000000L;
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec += 1;
    ts.tv_nsec -= 1000000000L;
  }
  return ts;
}

#define MAX_KIND 32
#define TEXT_CAP 8192

/* Records every event of one session. Optional `hook` runs inside the callback, after the
 * event is recorded and without the lock held. */
typedef struct recorder recorder;
struct recorder {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int counts[MAX_KIND];
  int total;
  char text[TEXT_CAP];            /* TEXT events, concatenated */
  char input_transcript[TEXT_CAP];
  char output_transcript[TEXT_CAP];
  char tool_call_id[256];
  char tool_call_name[256];
  char tool_call_args[1024];
  char cancelled_ids[1024];
  char closed_reason[1024];
  char last_error[1024];
  char resumption_handle[512];
  uint32_t close_code;
  gemini_live_close_class close_class;
  size_t audio_bytes;
  uint32_t audio_rate;
  int interim_transcriptions;
  int voice_starts, voice_ends;
  int64_t total_tokens;
  int64_t go_away_ms;
  int error_fatal;
  gemini_live_result error_result;
  gemini_live_error_kind error_kind;
  int events_after_closed;
  int phases[8];
  void (*hook)(recorder *r, const gemini_live_event *ev);
  void *user; /* for hooks */
  gemini_live_session *session; /* set by the test after session_new, for hooks */
  atomic_int in_callback;       /* concurrency detector: must never exceed 1 */
  atomic_int concurrent_violations;
  atomic_int finalized;
};

static inline void recorder_init(recorder *r) {
  memset(r, 0, sizeof *r);
  pthread_mutex_init(&r->mu, NULL);
  pthread_cond_init(&r->cv, NULL);
  r->go_away_ms = -2;
}

static inline void recorder_destroy(recorder *r) {
  pthread_mutex_destroy(&r->mu);
  pthread_cond_destroy(&r->cv);
}

static inline void append(char *dst, const char *src, size_t len) {
  size_t have = strlen(dst);
  if (have + len + 1 > TEXT_CAP) len = TEXT_CAP - have - 1;
  memcpy(dst + have, src, len);
  dst[have + len] = 0;
}

static inline void copy_str(char *dst, size_t cap, const char *src, size_t len) {
  if (!src) {
    dst[0] = 0;
    return;
  }
  if (len >= cap) len = cap - 1;
  memcpy(dst, src, len);
  dst[len] = 0;
}

static inline void recorder_cb(void *userdata, const gemini_live_event *ev) {
  recorder *r = (recorder *)userdata;
  if (atomic_fetch_add(&r->in_callback, 1) != 0) atomic_fetch_add(&r->concurrent_violations, 1);
  if (ev->struct_size < sizeof(gemini_live_event)) FAIL("struct_size %zu", ev->struct_size);
  pthread_mutex_lock(&r->mu);
  if (r->counts[GEMINI_LIVE_EVENT_KIND_CLOSED] > 0) r->events_after_closed++;
  if (ev->kind < MAX_KIND) r->counts[ev->kind]++;
  r->total++;
  /* every string must be NUL-terminated at its length */
  if (ev->text && ev->text[ev->text_len] != 0) FAIL("text not NUL-terminated");
  if (ev->json && ev->json[ev->json_len] != 0) FAIL("json not NUL-terminated");
  switch (ev->kind) {
    case GEMINI_LIVE_EVENT_KIND_TEXT:
      append(r->text, ev->text, ev->text_len);
      break;
    case GEMINI_LIVE_EVENT_KIND_INPUT_TRANSCRIPTION:
      if (ev->interim) r->interim_transcriptions++;
      else append(r->input_transcript, ev->text, ev->text_len);
      break;
    case GEMINI_LIVE_EVENT_KIND_OUTPUT_TRANSCRIPTION:
      append(r->output_transcript, ev->text, ev->text_len);
      break;
    case GEMINI_LIVE_EVENT_KIND_AUDIO:
      r->audio_bytes += ev->data_len;
      r->audio_rate = ev->sample_rate;
      if (ev->data_len && ev->data == NULL) FAIL("audio without data");
      break;
    case GEMINI_LIVE_EVENT_KIND_TOOL_CALL:
      copy_str(r->tool_call_id, sizeof r->tool_call_id, ev->id, ev->id_len);
      copy_str(r->tool_call_name, sizeof r->tool_call_name, ev->name, ev->name_len);
      copy_str(r->tool_call_args, sizeof r->tool_call_args, ev->json, ev->json_len);
      break;
    case GEMINI_LIVE_EVENT_KIND_TOOL_CALL_CANCELLATION:
      copy_str(r->cancelled_ids, sizeof r->cancelled_ids, ev->json, ev->json_len);
      if (ev->ids_count < 1 || ev->ids == NULL || ev->ids[0] == NULL) FAIL("cancellation without ids");
      break;
    case GEMINI_LIVE_EVENT_KIND_VOICE_ACTIVITY:
      if (ev->started) r->voice_starts++;
      else r->voice_ends++;
      break;
    case GEMINI_LIVE_EVENT_KIND_USAGE_METADATA:
      r->total_tokens = ev->total_token_count;
      break;
    case GEMINI_LIVE_EVENT_KIND_GO_AWAY:
      r->go_away_ms = ev->time_left_ms;
      break;
    case GEMINI_LIVE_EVENT_KIND_RESUMPTION_UPDATE:
      if (ev->id) copy_str(r->resumption_handle, sizeof r->resumption_handle, ev->id, ev->id_len);
      break;
    case GEMINI_LIVE_EVENT_KIND_PHASE_CHANGED:
      if (ev->phase < 8) r->phases[ev->phase]++;
      break;
    case GEMINI_LIVE_EVENT_KIND_ERROR:
      copy_str(r->last_error, sizeof r->last_error, ev->text, ev->text_len);
      r->error_fatal = ev->fatal;
      r->error_result = ev->result;
      r->error_kind = ev->error_kind;
      break;
    case GEMINI_LIVE_EVENT_KIND_CLOSED:
      r->close_code = ev->close_code;
      r->close_class = ev->close_class;
      copy_str(r->closed_reason, sizeof r->closed_reason, ev->text, ev->text_len);
      break;
    default:
      break;
  }
  pthread_cond_broadcast(&r->cv);
  pthread_mutex_unlock(&r->mu);
  atomic_fetch_sub(&r->in_callback, 1);
  if (r->hook) r->hook(r, ev);
}

/* An event callback that ignores everything: makes a callback-mode session where a test needs
 * one that is not in pull mode. */
static inline void ignore_event(void *userdata, const gemini_live_event *ev) {
  (void)userdata;
  (void)ev;
}

static inline void recorder_finalize(void *userdata) {
  recorder *r = (recorder *)userdata;
  atomic_fetch_add(&r->finalized, 1);
}

/* A finalizer whose calls are counted process-wide (its userdata is the session's recorder,
 * whose callback must not be running), and a wait for the count to reach `n`. */
static atomic_int finalizer_calls;
static pthread_mutex_t finalizer_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t finalizer_cv = PTHREAD_COND_INITIALIZER;

static inline void counting_finalizer(void *userdata) {
  recorder *r = (recorder *)userdata;
  if (atomic_load(&r->in_callback) != 0) FAIL("finalizer ran while a callback was running");
  pthread_mutex_lock(&finalizer_mu);
  atomic_fetch_add(&finalizer_calls, 1);
  pthread_cond_broadcast(&finalizer_cv);
  pthread_mutex_unlock(&finalizer_mu);
}

static inline void wait_finalizer_calls(int n) {
  struct timespec dl = deadline_in(WAIT_MS);
  pthread_mutex_lock(&finalizer_mu);
  while (atomic_load(&finalizer_calls) < n)
    if (pthread_cond_timedwait(&finalizer_cv, &finalizer_mu, &dl) == ETIMEDOUT) FAIL("finalizer did not run");
  pthread_mutex_unlock(&finalizer_mu);
}

/* Waits until counts[kind] >= n; fails the test after `ms`. */
static inline void wait_kind(recorder *r, gemini_live_event_kind kind, int n, int ms, const char *what) {
  struct timespec dl = deadline_in(ms);
  pthread_mutex_lock(&r->mu);
  while (r->counts[kind] < n) {
    if (pthread_cond_timedwait(&r->cv, &r->mu, &dl) == ETIMEDOUT) {
      int have = r->counts[kind];
      pthread_mutex_unlock(&r->mu);
      FAIL("timed out waiting for %s (event kind %u: %d of %d)", what, kind, have, n);
    }
  }
  pthread_mutex_unlock(&r->mu);
}

#define WAIT_KIND(r, kind, n) wait_kind((r), GEMINI_LIVE_EVENT_KIND_##kind, (n), WAIT_MS, #kind)

static inline int count_of(recorder *r, gemini_live_event_kind kind) {
  pthread_mutex_lock(&r->mu);
  int n = r->counts[kind];
  pthread_mutex_unlock(&r->mu);
  return n;
}

/* A started mock and a config pointing at it (API key "test-key"). */
static inline gemini_live_mock_server *start_mock(const char *json) {
  gemini_live_mock_server *m = NULL;
  CHECK_OK(gemini_live_mock_server_start(json, &m));
  CHECK(m != NULL);
  CHECK(strncmp(gemini_live_mock_server_url(m), "ws://127.0.0.1:", 15) == 0);
  return m;
}

static inline gemini_live_config *mock_config(gemini_live_mock_server *m, gemini_live_modality modality) {
  gemini_live_config *c = NULL;
  CHECK_OK(gemini_live_config_new(&c));
  CHECK_OK(gemini_live_config_set_api_key(c, "test-key"));
  CHECK_OK(gemini_live_config_set_base_url(c, gemini_live_mock_server_url(m)));
  CHECK_OK(gemini_live_config_set_model(c, "gemini-live-test"));
  CHECK_OK(gemini_live_config_set_response_modality(c, modality));
  return c;
}

/* Waits until the stats number at `pointer` reaches `n`. */
#define WAIT_STAT(m, pointer, n) CHECK_OK(gemini_live_mock_server_wait_for((m), (pointer), (n), WAIT_MS))

/* Reads an integer field `"key":N` from the stats JSON (first occurrence). */
static inline long long stat_int(gemini_live_mock_server *m, const char *key) {
  char *json = NULL;
  CHECK_OK(gemini_live_mock_server_stats_json(m, &json));
  char pattern[128];
  snprintf(pattern, sizeof pattern, "\"%s\":", key);
  const char *p = strstr(json, pattern);
  long long v = p ? strtoll(p + strlen(pattern), NULL, 10) : -1;
  gemini_live_string_free(json);
  return v;
}

/* Stats JSON contains `needle`. */
static inline int stats_contain(gemini_live_mock_server *m, const char *needle) {
  char *json = NULL;
  CHECK_OK(gemini_live_mock_server_stats_json(m, &json));
  int found = strstr(json, needle) != NULL;
  gemini_live_string_free(json);
  return found;
}

/* Closes the session, waits for CLOSED, frees it, and checks the finalizer ran once. */
static inline void close_and_free(gemini_live_session *s, recorder *r) {
  CHECK_OK(gemini_live_session_close(s));
  WAIT_KIND(r, CLOSED, 1);
  gemini_live_session_free(s);
  CHECK(atomic_load(&r->finalized) == 1);
  CHECK(r->events_after_closed == 0);
  CHECK(atomic_load(&r->concurrent_violations) == 0);
}

/* Opens a session on `cfg` with `rec` as its callback recorder, frees `cfg`, and waits for
 * CONNECTED. */
static inline gemini_live_session *open_recorded(gemini_live_config *cfg, recorder *rec) {
  recorder_init(rec);
  gemini_live_session *s = NULL;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, rec, recorder_finalize, &s));
  gemini_live_config_free(cfg);
  WAIT_KIND(rec, CONNECTED, 1);
  return s;
}

/* A loopback TCP listener on a free port; returns the fd, writes the port. */
static inline int listen_loopback(int *port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(fd >= 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
  CHECK(listen(fd, 8) == 0);
  socklen_t len = sizeof a;
  CHECK(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
  *port = ntohs(a.sin_port);
  return fd;
}

#endif
