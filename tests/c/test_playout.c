/* gemini_live_playout: bound to an AUDIO session on the mock, a turn that plays out counts
 * whole and a barge-in (INTERRUPTED) flushes what was not played; standalone, one producer
 * thread and one consumer thread move 10 s of audio intact. Plain and ASan+UBSan. */
#include "test_util.h"
#include <sched.h>

static size_t pull_ms(gemini_live_playout *p, int ms) {
  int16_t frame[480]; /* 20 ms device frames at 24 kHz */
  size_t n = 0;
  for (int i = 0; i < ms / 20; i++) n += gemini_live_playout_pull(p, frame, 480);
  return n;
}

enum { TOTAL = 80000 };

static void *producer(void *arg) {
  gemini_live_playout *p = arg;
  int16_t chunk[333];
  int next = 0;
  while (next < TOTAL) {
    int n = TOTAL - next < 333 ? TOTAL - next : 333;
    for (int i = 0; i < n; i++) chunk[i] = (int16_t)((next + i) % 30000);
    size_t accepted = 0;
    CHECK_OK(gemini_live_playout_push(p, chunk, (size_t)n, &accepted));
    next += (int)accepted;
    if (accepted == 0) sched_yield();
  }
  CHECK_OK(gemini_live_playout_end_turn(p));
  return NULL;
}

int main(void) {
  gemini_live_mock_server *mock = start_mock("{\"realtime_output\":true,\"audio_chunk_ms\":40}");
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_AUDIO);
  recorder rec;
  gemini_live_session *s = open_recorded(cfg, &rec);

  gemini_live_playout *p = NULL;
  CHECK_OK(gemini_live_playout_new(24000, 60000, &p));
  CHECK_OK(gemini_live_session_set_playout(s, p));

  CHECK_OK(gemini_live_session_send_realtime_text(s, "hello there"));
  WAIT_KIND(&rec, TURN_COMPLETE, 1);
  uint64_t length = gemini_live_playout_buffered_ms(p);
  CHECK(length >= 200 && gemini_live_playout_current_turn(p) == 1);
  CHECK(pull_ms(p, (int)length + 100) == length * 24);
  uint64_t ms = 0;
  bool done = false;
  CHECK_OK(gemini_live_playout_turn_played_ms(p, 1, &ms, &done));
  CHECK(ms == length && done);

  int audio = count_of(&rec, GEMINI_LIVE_EVENT_KIND_AUDIO);
  char words[512] = "";
  for (int i = 0; i < 50; i++) strcat(words, "word ");
  CHECK_OK(gemini_live_session_send_realtime_text(s, words));
  WAIT_KIND(&rec, AUDIO, audio + 1);
  CHECK(pull_ms(p, 40) == 960);
  CHECK_OK(gemini_live_session_send_realtime_text(s, "stop"));
  WAIT_KIND(&rec, INTERRUPTED, 1);
  CHECK_OK(gemini_live_playout_turn_played_ms(p, 2, &ms, &done));
  CHECK(ms == 40 && done);
  printf("turn 1: %llu ms played of %llu; turn 2: interrupted after %llu ms\n", (unsigned long long)length,
         (unsigned long long)length, (unsigned long long)ms);
  close_and_free(s, &rec); /* the session drops its reference; the buffer stays ours */
  CHECK(gemini_live_playout_current_turn(p) >= 2);
  gemini_live_playout_free(p);

  /* Standalone: one producer thread, one consumer (this thread), 1 s buffer. */
  CHECK_OK(gemini_live_playout_new(8000, 1000, &p));
  pthread_t t;
  CHECK(pthread_create(&t, NULL, producer, p) == 0);
  int16_t frame[97];
  int got = 0;
  while (got < TOTAL) {
    size_t n = gemini_live_playout_pull(p, frame, 97);
    for (size_t i = 0; i < n; i++) CHECK(frame[i] == (int16_t)((got + (int)i) % 30000));
    got += (int)n;
    if (n == 0) sched_yield();
  }
  CHECK(pthread_join(t, NULL) == 0);
  CHECK_OK(gemini_live_playout_turn_played_ms(p, 1, &ms, &done));
  CHECK(ms == TOTAL / 8 && done);
  CHECK(gemini_live_playout_pull(NULL, frame, 97) == 0);
  CHECK_RESULT(gemini_live_playout_new(24000, 5, &p), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  gemini_live_playout_free(p);
  gemini_live_playout_free(NULL);

  gemini_live_mock_server_free(mock);
  recorder_destroy(&rec);
  printf("test_playout: ok\n");
  return 0;
}
