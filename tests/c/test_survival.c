/* Sessions that survive: one session streams paced audio across three forced reconnects
 * (goAway, close 1011, a TCP drop) while answering tool calls. The mock must receive every audio
 * byte exactly once and in order (its FNV-1a hash over the session's audio), every tool
 * response must arrive, and the application must see one continuous session: RECONNECTED
 * (resumed) three times and no CLOSED. Then: a fatal close is never retried, and a retry
 * budget ends the session with a clear error. */
#include "test_util.h"

#define CHUNKS 200
#define CHUNK_BYTES 640 /* 20 ms of 16 kHz PCM16 */

static uint64_t fnv1a64(uint64_t h, const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

/* Quiet noise below the mock's VAD threshold that differs byte to byte, so the hash proves
 * order. */
static void noise(int chunk, uint8_t *out) {
  for (int i = 0; i < CHUNK_BYTES / 2; i++) {
    int16_t v = (int16_t)(((i * 31 + chunk * 17) % 200) - 100);
    out[2 * i] = (uint8_t)(v & 0xff);
    out[2 * i + 1] = (uint8_t)((uint16_t)v >> 8);
  }
}

/* Answers every tool call from inside the callback. */
static void answer_tools(recorder *r, const gemini_live_event *ev) {
  if (ev->kind != GEMINI_LIVE_EVENT_KIND_TOOL_CALL) return;
  char id[128];
  copy_str(id, sizeof id, ev->id, ev->id_len);
  CHECK_OK(gemini_live_session_send_tool_response(r->session, id, "lookup", "{\"output\":\"found\"}",
                                                  GEMINI_LIVE_SCHEDULING_NONE, -1));
}

static void streams_across_three_reconnects(void) {
  gemini_live_mock_server *mock = start_mock(
      "{\"faults\":["
      "{\"kind\":\"go_away\",\"connection\":1,\"after_messages\":40,\"time_left_ms\":2000},"
      "{\"kind\":\"close_1011\",\"connection\":2,\"after_messages\":40},"
      "{\"kind\":\"drop_tcp\",\"connection\":3,\"after_messages\":40}]}");
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  /* Vertex AI (the mock's Vertex path): `transparent` resumption, replay by the server's index,
   * is a Vertex setting; a Gemini API session refuses it before connecting. */
  CHECK_OK(gemini_live_config_set_vertex(cfg, "test-project", "us-central1", "test-token"));
  CHECK_OK(gemini_live_config_set_session_resumption(cfg, true, NULL, true));
  CHECK_OK(gemini_live_config_set_tools_json(cfg, "[{\"functionDeclarations\":[{\"name\":\"lookup\"}]}]"));
  /* Paced at three times real time: the faults land in the middle of the stream. */
  CHECK_OK(gemini_live_config_set_audio_pacing(cfg, true, 48000, 20));
  recorder r;
  recorder_init(&r);
  r.hook = answer_tools;
  gemini_live_session *s = NULL;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &r, recorder_finalize, &s));
  r.session = s;

  CHECK_OK(gemini_live_session_send_realtime_text(s, "please lookup the first thing"));
  uint64_t hash = 0xcbf29ce484222325ULL;
  uint8_t chunk[CHUNK_BYTES];
  for (int i = 0; i < CHUNKS; i++) {
    noise(i, chunk);
    hash = fnv1a64(hash, chunk, sizeof chunk);
    gemini_live_result res;
    /* A full queue (while reconnecting) is reported, never silently dropped: retry it. */
    while ((res = gemini_live_session_send_audio(s, chunk, sizeof chunk, 16000)) == GEMINI_LIVE_RESULT_QUEUE_FULL)
      sched_yield();
    CHECK_OK(res);
  }
  WAIT_STAT(mock, "/resumptions_ok", 3);
  /* After three reconnects the session still works: a turn with a tool call completes, and
   * its reply comes after all the audio queued before it. */
  CHECK_OK(gemini_live_session_send_realtime_text(s, "now lookup the second thing"));
  WAIT_KIND(&r, TURN_COMPLETE, 2);

  char want[128];
  snprintf(want, sizeof want, "\"audio_bytes\":%d,", CHUNKS * CHUNK_BYTES);
  if (!stats_contain(mock, want)) {
    char *json = NULL;
    CHECK_OK(gemini_live_mock_server_stats_json(mock, &json));
    FAIL("the mock did not get every audio byte exactly once: %s", json);
  }
  snprintf(want, sizeof want, "\"audio_fnv1a64_hex\":\"%016llx\"", (unsigned long long)hash);
  CHECK(stats_contain(mock, want));
  CHECK(stat_int(mock, "tool_response") == 2);
  CHECK(strstr(r.text, "Tool lookup returned") != NULL);
  CHECK(count_of(&r, GEMINI_LIVE_EVENT_KIND_RECONNECTED) == 3);
  CHECK(count_of(&r, GEMINI_LIVE_EVENT_KIND_GO_AWAY) == 1);
  CHECK(count_of(&r, GEMINI_LIVE_EVENT_KIND_CLOSED) == 0);
  uint64_t dropped = 1;
  CHECK_OK(gemini_live_session_get_dropped_audio(s, &dropped));
  CHECK(dropped == 0);
  gemini_live_phase phase = GEMINI_LIVE_PHASE_CLOSED;
  CHECK_OK(gemini_live_session_get_phase(s, &phase));
  CHECK(phase == GEMINI_LIVE_PHASE_ACTIVE);

  close_and_free(s, &r);
  recorder_destroy(&r);
  gemini_live_config_free(cfg);
  gemini_live_mock_server_free(mock);
}

static void fatal_closes_are_not_retried(void) {
  gemini_live_mock_server *mock = start_mock(
      "{\"scenario\":[{\"on\":\"realtimeInput.text\",\"close\":{\"code\":1007,"
      "\"reason\":\"Request contains an invalid argument.\"}}]}");
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  CHECK_OK(gemini_live_config_set_session_resumption(cfg, true, NULL, false));
  recorder r;
  recorder_init(&r);
  gemini_live_session *s = NULL;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &r, recorder_finalize, &s));
  CHECK_OK(gemini_live_session_send_realtime_text(s, "boom"));
  WAIT_KIND(&r, CLOSED, 1);
  CHECK(r.close_code == 1007);
  CHECK(r.close_class == GEMINI_LIVE_CLOSE_CLASS_FATAL);
  CHECK(strcmp(r.closed_reason, "Request contains an invalid argument.") == 0);
  CHECK(r.error_fatal);
  CHECK(count_of(&r, GEMINI_LIVE_EVENT_KIND_RECONNECTING) == 0);
  CHECK(stat_int(mock, "connections_accepted") == 1);
  CHECK_RESULT(gemini_live_session_send_realtime_text(s, "after"), GEMINI_LIVE_RESULT_CLOSED);
  gemini_live_session_free(s);
  CHECK(atomic_load(&r.finalized) == 1);
  recorder_destroy(&r);
  gemini_live_config_free(cfg);
  gemini_live_mock_server_free(mock);
}

static atomic_int credential_calls;

/* The first credential works; every later one fails, so every reconnect fails. */
static uint32_t first_only(void *userdata, char *buf, size_t cap, size_t *out_len) {
  (void)userdata;
  if (atomic_fetch_add(&credential_calls, 1) > 0) return GEMINI_LIVE_RESULT_IO;
  const char *key = "test-key";
  if (strlen(key) > cap) return GEMINI_LIVE_RESULT_BUFFER_TOO_SMALL;
  memcpy(buf, key, strlen(key));
  *out_len = strlen(key);
  return GEMINI_LIVE_RESULT_OK;
}

static void a_retry_budget_ends_the_session(void) {
  gemini_live_mock_server *mock =
      start_mock("{\"faults\":[{\"kind\":\"drop_tcp\",\"connection\":1,\"after_messages\":1}]}");
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  CHECK_OK(gemini_live_config_set_session_resumption(cfg, true, NULL, false));
  CHECK_OK(gemini_live_config_set_reconnect(cfg, true, 3));
  /* The first connection lives a moment only; count it as healthy so that all three attempts
   * are spent on the failing credential. */
  CHECK_OK(gemini_live_config_set_reconnect_budget(cfg, 0, 300000, 20));
  CHECK_OK(gemini_live_config_set_credential_callback(cfg, first_only, NULL));
  recorder r;
  recorder_init(&r);
  gemini_live_session *s = NULL;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &r, recorder_finalize, &s));
  CHECK_OK(gemini_live_session_send_realtime_text(s, "hello"));
  wait_kind(&r, GEMINI_LIVE_EVENT_KIND_CLOSED, 1, 30000, "CLOSED after the retry budget");
  CHECK(count_of(&r, GEMINI_LIVE_EVENT_KIND_RECONNECTING) == 3);
  CHECK(r.error_fatal);
  CHECK(r.error_kind == GEMINI_LIVE_ERROR_KIND_RETRIES_EXHAUSTED);
  CHECK(strstr(r.last_error, "gave up reconnecting: 3 consecutive reconnects failed") != NULL);
  gemini_live_session_free(s);
  CHECK(atomic_load(&r.finalized) == 1);
  recorder_destroy(&r);
  gemini_live_config_free(cfg);
  gemini_live_mock_server_free(mock);
}

int main(void) {
  streams_across_three_reconnects();
  fatal_closes_are_not_retried();
  a_retry_budget_ends_the_session();
  printf("test_survival: ok\n");
  return 0;
}
