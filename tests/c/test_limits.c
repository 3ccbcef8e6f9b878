/* Size limits are stated in encoded bytes and enforced at the send call: one send_audio takes
 * at most GEMINI_LIVE_MAX_AUDIO_BYTES of PCM under the default GEMINI_LIVE_MAX_MESSAGE_BYTES
 * (16 MiB of JSON); anything whose message would be larger is GEMINI_LIVE_RESULT_TOO_LARGE at
 * the call, with the size and the limit in the message; nothing is queued and the session
 * stays usable. A lower limit from the config applies to every send and to the setup. */
#include "test_util.h"

int main(void) {
  CHECK(GEMINI_LIVE_MAX_MESSAGE_BYTES == 16u << 20);
  gemini_live_mock_server *mock = start_mock(NULL);
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  recorder rec;
  recorder_init(&rec);
  gemini_live_session *s = NULL;
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, recorder_finalize, &s));
  WAIT_KIND(&rec, CONNECTED, 1);

  /* 16 MiB of PCM: base64 makes a ~22 MiB frame the server would reset the connection over. */
  size_t big = (size_t)16 << 20;
  uint8_t *pcm = calloc(big, 1);
  CHECK(pcm);
  CHECK_RESULT(gemini_live_session_send_audio(s, pcm, big, 16000), GEMINI_LIVE_RESULT_TOO_LARGE);
  CHECK_ERROR_MENTIONS("16777216"); /* the limit */
  CHECK_ERROR_MENTIONS("12582854"); /* the most PCM per call */
  CHECK_RESULT(gemini_live_session_send_audio(s, pcm, GEMINI_LIVE_MAX_AUDIO_BYTES + 2, 48000),
               GEMINI_LIVE_RESULT_TOO_LARGE);
  CHECK_RESULT(gemini_live_session_send_video(s, pcm, big, "image/jpeg"), GEMINI_LIVE_RESULT_TOO_LARGE);
  CHECK_ERROR_MENTIONS("16777216");
  /* the largest call the header promises goes through, at every sample rate */
  CHECK_OK(gemini_live_session_send_audio(s, pcm, GEMINI_LIVE_MAX_AUDIO_BYTES, 48000));
  WAIT_STAT(mock, "/messages/realtime_audio", 1);

  /* text: over the limit once encoded (the JSON envelope counts), and over it raw */
  char *text = malloc(big + 1);
  CHECK(text);
  memset(text, 'a', big);
  text[big] = 0;
  CHECK_RESULT(gemini_live_session_send_realtime_text(s, text), GEMINI_LIVE_RESULT_TOO_LARGE);
  text[big - 10] = 0;
  CHECK_RESULT(gemini_live_session_send_realtime_text(s, text), GEMINI_LIVE_RESULT_TOO_LARGE);
  CHECK_ERROR_MENTIONS("16777216");
  CHECK_RESULT(gemini_live_session_send_client_text(s, text, true), GEMINI_LIVE_RESULT_TOO_LARGE);
  CHECK_RESULT(gemini_live_session_send_context_update(s, text, NULL), GEMINI_LIVE_RESULT_TOO_LARGE);

  /* nothing oversized was queued, and the session is unaffected */
  CHECK_OK(gemini_live_session_send_realtime_text(s, "ping:after"));
  WAIT_KIND(&rec, TEXT, 1);
  CHECK(strcmp(rec.text, "pong:after") == 0);
  CHECK(stat_int(mock, "realtime_audio") == 1);
  CHECK(stat_int(mock, "realtime_video") == 0);
  CHECK(stat_int(mock, "context_update") == 0);
  CHECK(count_of(&rec, GEMINI_LIVE_EVENT_KIND_ERROR) == 0);
  close_and_free(s, &rec);
  recorder_destroy(&rec);

  /* the replay buffer's bounds: 0 is allowed (no audio kept for replay), past 1 GiB is a unit
   * mistake; the behaviour is driven end to end in tests/survival_latency.rs */
  CHECK_RESULT(gemini_live_config_set_replay_bounds(NULL, 1024, 1000), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_RESULT(gemini_live_config_set_replay_bounds(cfg, ((size_t)1 << 30) + 1, 1000),
               GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_ERROR_MENTIONS("max_bytes");
  CHECK_OK(gemini_live_config_set_replay_bounds(cfg, 0, 0));
  CHECK_OK(gemini_live_config_set_replay_bounds(cfg, (size_t)8 << 20, 120000));

  /* a lower limit (a proxy with small frames): sends and the setup are held to it */
  CHECK_RESULT(gemini_live_config_set_max_message_bytes(cfg, 100), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_config_set_max_message_bytes(cfg, GEMINI_LIVE_MAX_MESSAGE_BYTES + 1),
               GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_OK(gemini_live_config_set_max_message_bytes(cfg, 65536));
  recorder_init(&rec);
  CHECK_OK(gemini_live_session_new(cfg, recorder_cb, &rec, recorder_finalize, &s));
  WAIT_KIND(&rec, CONNECTED, 1);
  size_t max_pcm = (65536 - 73) / 4 * 3 / 2 * 2; /* the documented formula */
  CHECK_RESULT(gemini_live_session_send_audio(s, pcm, max_pcm + 2, 16000), GEMINI_LIVE_RESULT_TOO_LARGE);
  CHECK_ERROR_MENTIONS("65536");
  CHECK_OK(gemini_live_session_send_audio(s, pcm, max_pcm, 16000));
  WAIT_STAT(mock, "/messages/realtime_audio", 2);
  text[70000] = 0;
  CHECK_RESULT(gemini_live_session_send_raw_json(s, "{\"realtimeInput\":{\"text\":\"ping:x\"}}"), GEMINI_LIVE_RESULT_OK);
  CHECK_RESULT(gemini_live_session_send_client_text(s, text, true), GEMINI_LIVE_RESULT_TOO_LARGE);
  close_and_free(s, &rec);
  recorder_destroy(&rec);

  long long accepted = stat_int(mock, "connections_accepted");
  CHECK_OK(gemini_live_config_set_system_instruction(cfg, text)); /* 70000 bytes > 65536 */
  CHECK_RESULT(gemini_live_session_new(cfg, recorder_cb, &rec, recorder_finalize, &s), GEMINI_LIVE_RESULT_TOO_LARGE);
  CHECK_ERROR_MENTIONS("setup");
  CHECK(stat_int(mock, "connections_accepted") == accepted); /* refused before dialing */

  free(text);
  free(pcm);
  gemini_live_config_free(cfg);
  gemini_live_mock_server_free(mock);
  printf("test_limits: ok\n");
  return 0;
}
