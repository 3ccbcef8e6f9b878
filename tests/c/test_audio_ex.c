/* gemini_live_session_send_audio_ex: 8 kHz μ-law phone frames and 48 kHz float32 stereo
 * microphone frames reach the mock as 16 kHz PCM16 (20 ms in, about 640 bytes out per call);
 * the PCM16 16 kHz mono pass-through is byte-exact; bad formats, partial frames and NULLs are
 * refused; gemini_live_audio_latency reports each path; gemini_live_config_set_output_audio_format
 * delivers reply audio as 8 kHz A-law. Plain and ASan+UBSan. */
#include "test_util.h"
#include <math.h>

int main(void) {
  gemini_live_mock_server *mock = start_mock("{\"record_audio_chunks\":true,\"audio_chunk_ms\":40}");
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  recorder rec;
  gemini_live_session *s = open_recorded(cfg, &rec);

  enum { CALLS = 25 };
  const gemini_live_audio_format phone = {GEMINI_LIVE_SAMPLE_FORMAT_MULAW, 8000, 1};
  uint8_t frame[160]; /* 20 ms of G.711 */
  for (int i = 0; i < 160; i++) frame[i] = (uint8_t)(0x80 + (i % 16)); /* loud, varied */
  for (int i = 0; i < CALLS; i++) CHECK_OK(gemini_live_session_send_audio_ex(s, frame, sizeof frame, &phone));

  const gemini_live_audio_format mic = {GEMINI_LIVE_SAMPLE_FORMAT_FLOAT32, 48000, 2};
  static float stereo[2 * 960]; /* 20 ms at 48 kHz */
  for (int i = 0; i < 960; i++) stereo[2 * i] = stereo[2 * i + 1] = 0.25f * (float)sin(2 * M_PI * 440 * i / 48000.0);
  for (int i = 0; i < CALLS; i++)
    CHECK_OK(gemini_live_session_send_audio_ex(s, (const uint8_t *)stereo, sizeof stereo, &mic));
  /* The mock handles a connection's messages in order and counts a message before handling it:
   * once a later text message is counted, every audio message before it is in the stats. */
  CHECK_OK(gemini_live_session_send_realtime_text(s, "fence"));
  WAIT_STAT(mock, "/messages/realtime_text", 1);
  CHECK(stat_int(mock, "realtime_audio") == 2 * CALLS);
  long long bytes = stat_int(mock, "audio_bytes");
  printf("%lld bytes of 16 kHz PCM for %d ms of audio\n", bytes, 2 * CALLS * 20);
  CHECK(bytes <= 2 * CALLS * 640 && bytes >= 2 * CALLS * 640 - 800);

  /* 16 kHz PCM16 mono passes through unchanged. */
  const gemini_live_audio_format wire = {GEMINI_LIVE_SAMPLE_FORMAT_PCM16, 16000, 1};
  int16_t pcm[320];
  for (int i = 0; i < 320; i++) pcm[i] = (int16_t)(i * 97);
  CHECK_OK(gemini_live_session_send_audio_ex(s, (const uint8_t *)pcm, sizeof pcm, &wire));
  CHECK_OK(gemini_live_session_send_realtime_text(s, "fence"));
  WAIT_STAT(mock, "/messages/realtime_text", 2);
  CHECK(stat_int(mock, "audio_bytes") == bytes + (long long)sizeof pcm);

  /* Refusals. */
  CHECK_RESULT(gemini_live_session_send_audio_ex(NULL, frame, 160, &phone), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_RESULT(gemini_live_session_send_audio_ex(s, NULL, 160, &phone), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_RESULT(gemini_live_session_send_audio_ex(s, frame, 160, NULL), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  const gemini_live_audio_format bad_rate = {GEMINI_LIVE_SAMPLE_FORMAT_ALAW, 96000, 1};
  CHECK_RESULT(gemini_live_session_send_audio_ex(s, frame, 160, &bad_rate), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_ERROR_MENTIONS("sample_rate");
  const gemini_live_audio_format bad_kind = {42, 16000, 1};
  CHECK_RESULT(gemini_live_session_send_audio_ex(s, frame, 160, &bad_kind), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_session_send_audio_ex(s, (const uint8_t *)stereo, 12, &mic),
               GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_session_send_audio_ex(s, frame, 0, &phone), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);

  /* Latency per path. */
  uint32_t filter = 1, held = 1;
  CHECK_OK(gemini_live_audio_latency(&wire, &filter, &held));
  CHECK(filter == 0 && held == 0);
  CHECK_OK(gemini_live_audio_latency(&phone, &filter, &held));
  printf("latency 8 kHz mu-law: %u us filter + up to %u us held\n", filter, held);
  CHECK(filter > 0 && held < 10000);
  CHECK_OK(gemini_live_audio_latency(&mic, &filter, &held));
  printf("latency 48 kHz float stereo: %u us filter + up to %u us held\n", filter, held);
  CHECK_RESULT(gemini_live_audio_latency(&bad_rate, &filter, &held), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_audio_latency(&mic, NULL, &held), GEMINI_LIVE_RESULT_NULL_ARGUMENT);

  close_and_free(s, &rec);
  CHECK_RESULT(gemini_live_session_send_audio_ex(s = NULL, frame, 160, &phone), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  recorder_destroy(&rec);

  /* Reply audio in the app's format: 8 kHz A-law, one byte per sample. */
  cfg = mock_config(mock, GEMINI_LIVE_MODALITY_AUDIO);
  CHECK_RESULT(gemini_live_config_set_output_audio_format(cfg, &bad_rate), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  const gemini_live_audio_format alaw_out = {GEMINI_LIVE_SAMPLE_FORMAT_ALAW, 8000, 1};
  CHECK_OK(gemini_live_config_set_output_audio_format(cfg, &alaw_out));
  recorder_init(&rec);
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, recorder_finalize, &s));
  gemini_live_config_free(cfg);
  CHECK_OK(gemini_live_session_send_realtime_text(s, "one two three four five six"));
  WAIT_KIND(&rec, TURN_COMPLETE, 1);
  pthread_mutex_lock(&rec.mu);
  printf("reply: %zu bytes of 8 kHz A-law\n", rec.audio_bytes);
  CHECK(rec.audio_rate == 8000 && rec.audio_bytes <= 480 * 8 && rec.audio_bytes >= 460 * 8);
  pthread_mutex_unlock(&rec.mu);
  close_and_free(s, &rec);
  gemini_live_mock_server_free(mock);
  recorder_destroy(&rec);
  printf("test_audio_ex: ok\n");
  return 0;
}
