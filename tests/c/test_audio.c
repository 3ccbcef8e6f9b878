/* An AUDIO session: speech in (energy VAD) → voice activity, interim and final input
 * transcription, tool call; tool response → 24 kHz audio, output transcription, generation and
 * turn complete, usage, resumption updates; barge-in during a pending call → interrupted and
 * tool call cancellation. */
#include "test_util.h"
#include <math.h>

static void send_pcm(gemini_live_session *s, int ms, int amplitude) {
  int16_t chunk[320]; /* 20 ms at 16 kHz */
  static double phase = 0;
  for (int t = 0; t < ms; t += 20) {
    for (int i = 0; i < 320; i++) {
      chunk[i] = (int16_t)(amplitude * sin(phase));
      phase += 2 * M_PI * 440.0 / 16000.0;
    }
    CHECK_OK(gemini_live_session_send_audio(s, (const uint8_t *)chunk, sizeof chunk, 16000));
  }
}

int main(void) {
  gemini_live_mock_server *mock = start_mock("{\"audio_transcript\":\"please get_weather for Paris\"}");
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_AUDIO);
  CHECK_OK(gemini_live_config_set_input_transcription(cfg, true));
  CHECK_OK(gemini_live_config_set_output_transcription(cfg, true));
  CHECK_OK(gemini_live_config_set_session_resumption(cfg, true, NULL, false));
  CHECK_OK(gemini_live_config_set_tools_json(cfg, "[{\"functionDeclarations\":[{\"name\":\"get_weather\"}]}]"));
  recorder rec;
  gemini_live_session *s = open_recorded(cfg, &rec);
  WAIT_KIND(&rec, RESUMPTION_UPDATE, 1);

  send_pcm(s, 400, 8000); /* speech */
  send_pcm(s, 700, 0);    /* silence ends the utterance */
  WAIT_KIND(&rec, TOOL_CALL, 1);
  pthread_mutex_lock(&rec.mu);
  CHECK(rec.voice_starts == 1 && rec.voice_ends == 1);
  CHECK(rec.interim_transcriptions >= 1);
  CHECK(strcmp(rec.input_transcript, "please get_weather for Paris") == 0);
  CHECK(strcmp(rec.tool_call_id, "function-call-1") == 0);
  CHECK(strcmp(rec.tool_call_name, "get_weather") == 0);
  pthread_mutex_unlock(&rec.mu);

  CHECK_OK(gemini_live_session_send_tool_response(s, "function-call-1", "get_weather",
                                                   "{\"output\":\"sunny, 21C\"}", GEMINI_LIVE_SCHEDULING_NONE, -1));
  WAIT_KIND(&rec, TURN_COMPLETE, 1);
  pthread_mutex_lock(&rec.mu);
  CHECK(rec.counts[GEMINI_LIVE_EVENT_KIND_AUDIO] >= 1);
  CHECK(rec.audio_rate == 24000);
  CHECK(rec.audio_bytes > 0 && rec.audio_bytes % 2 == 0);
  CHECK(strstr(rec.output_transcript, "Tool get_weather returned") != NULL);
  CHECK(rec.counts[GEMINI_LIVE_EVENT_KIND_GENERATION_COMPLETE] == 1);
  CHECK(rec.counts[GEMINI_LIVE_EVENT_KIND_USAGE_METADATA] >= 1);
  pthread_mutex_unlock(&rec.mu);
  WAIT_KIND(&rec, RESUMPTION_UPDATE, 2);
  CHECK(strlen(rec.resumption_handle) > 0);

  /* barge-in while a call is pending: interrupted, then the cancellation */
  CHECK_OK(gemini_live_session_send_realtime_text(s, "get_weather for Rome"));
  WAIT_KIND(&rec, TOOL_CALL, 2);
  CHECK(strcmp(rec.tool_call_id, "function-call-2") == 0);
  CHECK_OK(gemini_live_session_send_realtime_text(s, "never mind"));
  WAIT_KIND(&rec, TOOL_CALL_CANCELLATION, 1);
  CHECK(count_of(&rec, GEMINI_LIVE_EVENT_KIND_INTERRUPTED) >= 1);
  CHECK(strcmp(rec.cancelled_ids, "[\"function-call-2\"]") == 0);

  close_and_free(s, &rec);
  gemini_live_mock_server_free(mock);
  recorder_destroy(&rec);
  printf("test_audio: ok\n");
  return 0;
}
