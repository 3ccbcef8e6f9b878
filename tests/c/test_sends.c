/* Every send function reaches the mock (its counters prove it) and every send rejects bad
 * input with its own code; nothing is sent on a failed call. */
#include "test_util.h"

static const char bad_utf8[] = {'x', (char)0xc3, 0};

int main(void) {
  gemini_live_mock_server *mock = start_mock(NULL);
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  CHECK_OK(gemini_live_config_set_tools_json(
      cfg, "[{\"functionDeclarations\":[{\"name\":\"get_weather\",\"description\":\"weather\"}]}]"));
  recorder rec;
  gemini_live_session *s = open_recorded(cfg, &rec);

  /* --- bad input: distinct codes, nothing queued --- */
  uint8_t pcm[3200];
  memset(pcm, 0, sizeof pcm);
  CHECK_RESULT(gemini_live_session_send_audio(NULL, pcm, sizeof pcm, 16000), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_RESULT(gemini_live_session_send_audio(s, NULL, 10, 16000), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_RESULT(gemini_live_session_send_audio(s, pcm, 0, 16000), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_ERROR_MENTIONS("empty");
  CHECK_RESULT(gemini_live_session_send_audio(s, pcm, 3, 16000), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_ERROR_MENTIONS("odd");
  CHECK_RESULT(gemini_live_session_send_audio(s, pcm, sizeof pcm, 100), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_session_send_audio(s, pcm, (size_t)64 << 20, 16000), GEMINI_LIVE_RESULT_TOO_LARGE);
  CHECK_RESULT(gemini_live_session_send_video(s, pcm, 10, "image/gif"), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_ERROR_MENTIONS("image/gif");
  CHECK_RESULT(gemini_live_session_send_video(s, pcm, 10, NULL), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_RESULT(gemini_live_session_send_realtime_text(s, bad_utf8), GEMINI_LIVE_RESULT_INVALID_UTF8);
  CHECK_RESULT(gemini_live_session_send_realtime_text(s, ""), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_session_send_realtime_text(s, NULL), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_RESULT(gemini_live_session_send_client_text(s, bad_utf8, true), GEMINI_LIVE_RESULT_INVALID_UTF8);
  CHECK_RESULT(gemini_live_session_send_client_content(s, "[{\"role\":", true), GEMINI_LIVE_RESULT_INVALID_JSON);
  CHECK_RESULT(gemini_live_session_send_client_content(s, "{\"role\":\"user\"}", true), GEMINI_LIVE_RESULT_INVALID_JSON);
  CHECK_RESULT(gemini_live_session_send_client_content(s, "[\"hi\"]", true), GEMINI_LIVE_RESULT_INVALID_JSON);
  CHECK_RESULT(gemini_live_session_send_tool_response(s, "id", NULL, "{}", 0, -1), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_RESULT(gemini_live_session_send_tool_response(s, "id", "f", "[1]", 0, -1), GEMINI_LIVE_RESULT_INVALID_JSON);
  CHECK_RESULT(gemini_live_session_send_tool_response(s, "id", "f", "{", 0, -1), GEMINI_LIVE_RESULT_INVALID_JSON);
  CHECK_RESULT(gemini_live_session_send_tool_response(s, "id", "f", "{}", 9, -1), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_ERROR_MENTIONS("scheduling");
  CHECK_RESULT(gemini_live_session_send_tool_response(s, "id", "f", "{}", 0, 5), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_session_send_tool_response(s, bad_utf8, "f", "{}", 0, -1), GEMINI_LIVE_RESULT_INVALID_UTF8);
  CHECK_RESULT(gemini_live_session_send_context_update(s, NULL, NULL), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_session_send_context_update(s, NULL, "{}"), GEMINI_LIVE_RESULT_INVALID_JSON);
  CHECK_RESULT(gemini_live_session_send_raw_json(s, "[1]"), GEMINI_LIVE_RESULT_INVALID_JSON);
  CHECK_RESULT(gemini_live_session_send_raw_json(s, "{\"a\":1,\"b\":2}"), GEMINI_LIVE_RESULT_INVALID_JSON);
  CHECK_ERROR_MENTIONS("exactly one");
  CHECK_RESULT(gemini_live_session_send_raw_json(s, "{\"setup\":{}}"), GEMINI_LIVE_RESULT_INVALID_JSON);
  CHECK_RESULT(gemini_live_session_send_raw_json(s, "{\"bogus\":{}}"), GEMINI_LIVE_RESULT_INVALID_JSON);
  CHECK_RESULT(gemini_live_session_send_raw_json(s, "{oops"), GEMINI_LIVE_RESULT_INVALID_JSON);
  CHECK_RESULT(gemini_live_session_send_activity_start(NULL), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_RESULT(gemini_live_session_next_event(s, 0, NULL), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  gemini_live_event *ev = NULL;
  CHECK_RESULT(gemini_live_session_next_event(s, 0, &ev), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK(ev == NULL);

  /* --- every send function --- */
  CHECK_OK(gemini_live_session_send_audio(s, pcm, sizeof pcm, 16000));
  WAIT_STAT(mock, "/messages/realtime_audio", 1);
  const uint8_t jpeg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 0x10};
  CHECK_OK(gemini_live_session_send_video(s, jpeg, sizeof jpeg, "image/jpeg"));
  CHECK_OK(gemini_live_session_send_video(s, jpeg, sizeof jpeg, "image/png"));
  WAIT_STAT(mock, "/messages/realtime_video", 2);
  CHECK_OK(gemini_live_session_send_realtime_text(s, "ping:one"));
  WAIT_KIND(&rec, TEXT, 1);
  CHECK(strcmp(rec.text, "pong:one") == 0);
  CHECK_OK(gemini_live_session_send_activity_start(s));
  CHECK_OK(gemini_live_session_send_activity_end(s));
  WAIT_STAT(mock, "/messages/activity_start", 1);
  WAIT_STAT(mock, "/messages/activity_end", 1);
  CHECK_OK(gemini_live_session_send_audio_stream_end(s));
  WAIT_STAT(mock, "/messages/audio_stream_end", 1);
  CHECK_OK(gemini_live_session_send_raw_json(s, "{\"realtimeInput\":{\"text\":\"ping:raw\"}}"));
  WAIT_STAT(mock, "/messages/realtime_text", 2);
  CHECK_OK(gemini_live_session_send_context_update(s, "Be terse.", NULL));
  WAIT_STAT(mock, "/messages/context_update", 1);
  CHECK(stats_contain(mock, "\"last_system_instruction\":\"Be terse.\""));
  CHECK_OK(gemini_live_session_send_context_update(
      s, NULL, "[{\"functionDeclarations\":[{\"name\":\"get_weather\"}]}]"));
  WAIT_STAT(mock, "/messages/context_update", 2);

  CHECK_OK(gemini_live_session_send_client_content(
      s, "[{\"role\":\"user\",\"parts\":[{\"text\":\"first\"}]},{\"role\":\"model\",\"parts\":[{\"text\":\"ok\"}]}]",
      false));
  CHECK_OK(gemini_live_session_send_client_text(s, "second turn", true));
  WAIT_STAT(mock, "/messages/client_content", 2);
  WAIT_KIND(&rec, TURN_COMPLETE, 1);
  CHECK(strstr(rec.text, "You said: second turn") != NULL);

  /* tool call → tool response → reply */
  CHECK_OK(gemini_live_session_send_client_text(s, "please run get_weather for Paris", true));
  WAIT_KIND(&rec, TOOL_CALL, 1);
  CHECK(strcmp(rec.tool_call_name, "get_weather") == 0);
  CHECK(strncmp(rec.tool_call_id, "function-call-", 14) == 0);
  CHECK(strstr(rec.tool_call_args, "\"input\"") != NULL);
  CHECK_OK(gemini_live_session_send_tool_response(s, rec.tool_call_id, "get_weather",
                                                   "{\"output\":\"sunny\"}", GEMINI_LIVE_SCHEDULING_WHEN_IDLE, 0));
  WAIT_STAT(mock, "/messages/tool_response", 1);
  WAIT_KIND(&rec, TURN_COMPLETE, 2);
  CHECK(strstr(rec.text, "Tool get_weather returned") != NULL);
  CHECK(stats_contain(mock, "sunny"));

  /* after close: CLOSED from every send */
  close_and_free(s, &rec);
  gemini_live_mock_server_free(mock);
  recorder_destroy(&rec);
  printf("test_sends: ok\n");
  return 0;
}
