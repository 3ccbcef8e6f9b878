/* Event rings (gemini_live_event_ring_new): a C consumer following the header's protocol with
 * __atomic builtins and poll() gets every pong in order through a 2-slot ring (the library
 * waits for room many times), then the CLOSED event and done/CLOSED; a ring freed with events
 * still in it frees them (checked by the ASan/LSan build); bad arguments are refused. */
#include "test_util.h"

#include <poll.h>
#include <sched.h>
#include <unistd.h>

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int space_writes;

/* The next event's kind (and its text into `text`), or -1 with *result set once done. */
static int next(gemini_live_event_ring *r, char *text, size_t cap, uint32_t *result) {
  long long deadline = now_ms() + WAIT_MS;
  for (;;) {
    uint64_t t = __atomic_load_n(&r->tail, __ATOMIC_RELAXED);
    if (__atomic_load_n(&r->head, __ATOMIC_SEQ_CST) != t) {
      const gemini_live_event *ev = r->slots[t % r->capacity];
      int kind = (int)ev->kind;
      size_t n = ev->text_len < cap - 1 ? ev->text_len : cap - 1;
      if (ev->text) memcpy(text, ev->text, n);
      text[ev->text ? n : 0] = '\0';
      __atomic_store_n(&r->tail, t + 1, __ATOMIC_SEQ_CST);
      if (__atomic_exchange_n(&r->full, 0, __ATOMIC_SEQ_CST) == 1) {
        uint64_t one = 1;
        CHECK(write(r->space_fd, &one, sizeof one) == (ssize_t)sizeof one);
        space_writes++;
      }
      return kind;
    }
    if (__atomic_load_n(&r->done, __ATOMIC_SEQ_CST)) {
      *result = __atomic_load_n(&r->result, __ATOMIC_SEQ_CST);
      return -1;
    }
    uint64_t drained;
    while (read(r->fd, &drained, sizeof drained) > 0) {
    }
    __atomic_store_n(&r->armed, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&r->head, __ATOMIC_SEQ_CST) != t || __atomic_load_n(&r->done, __ATOMIC_SEQ_CST))
      continue;
    long long left = deadline - now_ms();
    if (left <= 0) FAIL("deadline passed waiting on the ring's fd");
    struct pollfd p = {.fd = r->fd, .events = POLLIN};
    CHECK(poll(&p, 1, (int)left) >= 0 || errno == EINTR);
  }
}

int main(void) {
  gemini_live_mock_server *mock = start_mock(NULL);
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  gemini_live_event_ring *ring = NULL;

  /* bad arguments */
  CHECK_RESULT(gemini_live_event_ring_new(NULL, 0, &ring), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  gemini_live_session *cb = NULL;
  CHECK_OK(gemini_live_session_new(cfg, ignore_event, NULL, NULL, &cb));
  CHECK_RESULT(gemini_live_event_ring_new(cb, 0, &ring), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_ERROR_MENTIONS("callback");
  gemini_live_session_free(cb);

  gemini_live_session *s = NULL;
  CHECK_OK(gemini_live_session_new(cfg, NULL, NULL, NULL, &s));
  CHECK_RESULT(gemini_live_event_ring_new(s, 3, &ring), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_ERROR_MENTIONS("power of two");
  CHECK(ring == NULL);
  CHECK_OK(gemini_live_event_ring_new(s, 2, &ring));
  CHECK(ring != NULL && ring->capacity == 2 && ring->fd >= 0 && ring->space_fd >= 0);
  gemini_live_event_ring *second = NULL;
  CHECK_RESULT(gemini_live_event_ring_new(s, 0, &second), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);

  /* 200 pings: every pong in order through the 2-slot ring */
  enum { PINGS = 200 };
  char msg[64], text[TEXT_CAP];
  for (int i = 0; i < PINGS; i++) {
    snprintf(msg, sizeof msg, "ping:%d", i);
    CHECK_OK(gemini_live_session_send_realtime_text(s, msg));
  }
  uint32_t result = 0;
  for (int want = 0; want < PINGS;) {
    int kind = next(ring, text, sizeof text, &result);
    CHECK(kind >= 0);
    if (kind != GEMINI_LIVE_EVENT_KIND_TEXT) continue;
    snprintf(msg, sizeof msg, "pong:%d", want);
    if (strcmp(text, msg) != 0) FAIL("got %s, want %s", text, msg);
    want++;
  }
  CHECK(space_writes > 0);

  /* the end of the session ends the ring */
  CHECK_OK(gemini_live_session_close(s));
  int closed = 0, kind;
  while ((kind = next(ring, text, sizeof text, &result)) >= 0) closed += kind == GEMINI_LIVE_EVENT_KIND_CLOSED;
  CHECK(closed == 1);
  CHECK(result == GEMINI_LIVE_RESULT_CLOSED);
  gemini_live_event_ring_free(ring);
  gemini_live_session_free(s);

  /* a ring freed with events in it (taken and not) frees them */
  CHECK_OK(gemini_live_session_new(cfg, NULL, NULL, NULL, &s));
  CHECK_OK(gemini_live_event_ring_new(s, 8, &ring));
  for (int i = 0; i < 20; i++) {
    snprintf(msg, sizeof msg, "ping:%d", i);
    CHECK_OK(gemini_live_session_send_realtime_text(s, msg));
  }
  CHECK(next(ring, text, sizeof text, &result) >= 0);
  /* wait (yielding, no sleep) until the library filled the ring behind the one taken */
  long long until = now_ms() + WAIT_MS;
  while (__atomic_load_n(&ring->head, __ATOMIC_SEQ_CST) - __atomic_load_n(&ring->tail, __ATOMIC_SEQ_CST) <
         ring->capacity) {
    if (now_ms() > until) FAIL("the ring never filled");
    sched_yield();
  }
  gemini_live_event_ring_free(ring);
  gemini_live_event_ring_free(NULL);
  gemini_live_session_free(s);

  gemini_live_config_free(cfg);
  gemini_live_mock_server_free(mock);
  printf("ok: %d pongs in order through a 2-slot ring (%d space wake-ups)\n", PINGS, space_writes);
  return 0;
}
