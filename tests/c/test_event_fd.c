/* Pull mode with the readiness descriptor: one thread waits on two sessions with poll(),
 * pulls with next_event(0) only when woken, and receives every event of a turn (text and
 * audio); the descriptor is quiet when idle (no busy loop), readable for good after CLOSED,
 * refused for callback sessions, and the same one on every call. */
#include "test_util.h"

#include <fcntl.h>
#include <poll.h>

enum { N = 2 };

typedef struct {
  gemini_live_session *s;
  int fd;
  int events, turn_complete, closed, connected;
  size_t audio_bytes;
  char text[TEXT_CAP];
} puller;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wakes, spurious;

/* Pulls without waiting until TIMEOUT (or CLOSED); returns how many events it got. */
static int drain(puller *p) {
  int got = 0;
  for (;;) {
    gemini_live_event *ev = NULL;
    gemini_live_result r = gemini_live_session_next_event(p->s, 0, &ev);
    if (r == GEMINI_LIVE_RESULT_TIMEOUT) return got;
    if (r == GEMINI_LIVE_RESULT_CLOSED) {
      CHECK(p->closed);
      return got;
    }
    CHECK_OK(r);
    got++;
    p->events++;
    switch (ev->kind) {
    case GEMINI_LIVE_EVENT_KIND_CONNECTED: p->connected++; break;
    case GEMINI_LIVE_EVENT_KIND_TURN_COMPLETE: p->turn_complete++; break;
    case GEMINI_LIVE_EVENT_KIND_CLOSED: p->closed++; break;
    case GEMINI_LIVE_EVENT_KIND_AUDIO: p->audio_bytes += ev->data_len; break;
    case GEMINI_LIVE_EVENT_KIND_TEXT: append(p->text, ev->text, ev->text_len); break;
    default: break;
    }
    gemini_live_event_free(ev);
  }
}

/* Waits on every descriptor with poll() until done(p) holds for all, with a deadline. */
static void run_until(puller *ps, int (*done)(const puller *)) {
  long long deadline = now_ms() + WAIT_MS;
  for (;;) {
    int all = 1;
    for (int i = 0; i < N; i++) all &= done(&ps[i]);
    if (all) return;
    struct pollfd fds[N];
    for (int i = 0; i < N; i++) fds[i] = (struct pollfd){.fd = ps[i].fd, .events = POLLIN};
    long long left = deadline - now_ms();
    if (left <= 0) FAIL("deadline passed waiting on the event fds");
    int n = poll(fds, N, (int)left);
    if (n < 0 && errno == EINTR) continue;
    CHECK(n >= 0);
    for (int i = 0; i < N; i++) {
      if (!(fds[i].revents & POLLIN)) continue;
      wakes++;
      if (drain(&ps[i]) == 0 && !ps[i].closed) spurious++;
    }
  }
}

static int is_connected(const puller *p) { return p->connected == 1; }
static int turn_done(const puller *p) { return p->turn_complete == 1; }
static int is_closed(const puller *p) { return p->closed == 1; }
/* the TEXT session has its pong (a ping is answered without a turn end); the other is idle */
static int has_pong(const puller *p) { return p->audio_bytes > 0 || strstr(p->text, "pong:") != NULL; }

static int readable(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

int main(void) {
  gemini_live_mock_server *mock = start_mock(NULL);

  /* a callback session has no event fd */
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  gemini_live_session *cb = NULL;
  CHECK_OK(gemini_live_session_new(cfg, ignore_event, NULL, NULL, &cb));
  int fd = -7;
  CHECK_RESULT(gemini_live_session_get_event_fd(cb, &fd), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_ERROR_MENTIONS("callback");
  CHECK(fd == -7);
  gemini_live_session_free(cb);

  puller ps[N];
  memset(ps, 0, sizeof ps);
  gemini_live_modality modality[N] = {GEMINI_LIVE_MODALITY_TEXT, GEMINI_LIVE_MODALITY_AUDIO};
  for (int i = 0; i < N; i++) {
    gemini_live_config_free(cfg);
    cfg = mock_config(mock, modality[i]);
    CHECK_OK(gemini_live_session_new(cfg, NULL, NULL, NULL, &ps[i].s));
    CHECK_RESULT(gemini_live_session_get_event_fd(ps[i].s, NULL), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
    CHECK_OK(gemini_live_session_get_event_fd(ps[i].s, &ps[i].fd));
    CHECK(ps[i].fd >= 0);
    int again = -1;
    CHECK_OK(gemini_live_session_get_event_fd(ps[i].s, &again));
    CHECK(again == ps[i].fd);
    CHECK(fcntl(ps[i].fd, F_GETFD) & FD_CLOEXEC);
    CHECK(fcntl(ps[i].fd, F_GETFL) & O_NONBLOCK);
    /* readable when handed out: events may already be queued */
    CHECK(readable(ps[i].fd));
  }
  gemini_live_config_free(cfg);
  CHECK_RESULT(gemini_live_session_get_event_fd(NULL, &fd), GEMINI_LIVE_RESULT_NULL_ARGUMENT);

  run_until(ps, is_connected);
  /* idle: after TIMEOUT nothing is pending, and the descriptor stays quiet */
  for (int i = 0; i < N; i++) {
    CHECK(drain(&ps[i]) == 0);
    CHECK(!readable(ps[i].fd));
  }

  /* one turn on each session, from a single poll() loop */
  wakes = spurious = 0;
  int before[N];
  for (int i = 0; i < N; i++) before[i] = ps[i].events;
  for (int i = 0; i < N; i++) CHECK_OK(gemini_live_session_send_client_text(ps[i].s, "hello there mock", true));
  run_until(ps, turn_done);
  int got = 0;
  for (int i = 0; i < N; i++) got += ps[i].events - before[i];
  CHECK(strcmp(ps[0].text, "You said: hello there mock") == 0);
  CHECK(ps[1].audio_bytes > 0 && ps[1].audio_bytes % 2 == 0);
  printf("turn: %d events, %d wakes (%d spurious), %zu audio bytes\n", got, wakes, spurious,
         ps[1].audio_bytes);
  /* no busy loop: every wake brings an event, but for the rare race the contract allows */
  CHECK(wakes <= got + 2);
  CHECK(spurious <= 2);

  /* the next_event timeout path leaves the descriptor armed too */
  gemini_live_event *none = (gemini_live_event *)0x1;
  CHECK_RESULT(gemini_live_session_next_event(ps[0].s, 20, &none), GEMINI_LIVE_RESULT_TIMEOUT);
  CHECK(!readable(ps[0].fd));
  CHECK_OK(gemini_live_session_send_realtime_text(ps[0].s, "ping:again"));
  struct pollfd one = {.fd = ps[0].fd, .events = POLLIN};
  CHECK(poll(&one, 1, WAIT_MS) == 1);
  ps[0].text[0] = '\0';
  run_until(ps, has_pong);
  CHECK(strcmp(ps[0].text, "pong:again") == 0);

  /* the end: CLOSED wakes the poller, then the descriptor stays readable */
  for (int i = 0; i < N; i++) CHECK_OK(gemini_live_session_close(ps[i].s));
  run_until(ps, is_closed);
  for (int i = 0; i < N; i++) {
    for (int k = 0; k < 3; k++) {
      CHECK(readable(ps[i].fd));
      CHECK_RESULT(gemini_live_session_next_event(ps[i].s, 0, &none), GEMINI_LIVE_RESULT_CLOSED);
    }
    CHECK(none == (gemini_live_event *)0x1);
    gemini_live_session_free(ps[i].s);
  }

  /* a descriptor asked for after the end is readable at once */
  cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  gemini_live_session *late = NULL;
  CHECK_OK(gemini_live_session_new(cfg, NULL, NULL, NULL, &late));
  gemini_live_config_free(cfg);
  CHECK_OK(gemini_live_session_close(late));
  for (;;) { /* blocking pulls until the end, no descriptor yet */
    gemini_live_event *ev = NULL;
    gemini_live_result r = gemini_live_session_next_event(late, WAIT_MS, &ev);
    if (r == GEMINI_LIVE_RESULT_CLOSED) break;
    CHECK_OK(r);
    gemini_live_event_free(ev);
  }
  CHECK_OK(gemini_live_session_get_event_fd(late, &fd));
  CHECK(readable(fd));
  gemini_live_session_free(late);

  gemini_live_mock_server_free(mock);
  printf("test_event_fd: ok\n");
  return 0;
}
