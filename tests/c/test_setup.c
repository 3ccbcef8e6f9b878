/* Typed setup settings reach the strict mock as written (0.7f goes out as 0.7), and one
 * toolResponse carries two function responses, one with media parts. */
#include "test_util.h"

int main(void) {
  gemini_live_mock_server *mock = start_mock("{\"strict\":true}");
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  CHECK_OK(gemini_live_config_set_temperature(cfg, 0.7f));
  CHECK_OK(gemini_live_config_set_top_p(cfg, 0.9f));
  CHECK_OK(gemini_live_config_set_thinking_budget(cfg, 1024));
  CHECK_OK(gemini_live_config_set_affective_dialog(cfg, true));
  CHECK_OK(gemini_live_config_add_system_instruction_part(cfg, "Second paragraph."));
  const char *codes[] = {"en-US", "it-IT"};
  CHECK_OK(gemini_live_config_set_transcription_languages(cfg, GEMINI_LIVE_TRANSCRIPTION_INPUT, codes, 2));
  CHECK_OK(gemini_live_config_add_header(cfg, "x-goog-user-project", "quota-1"));
  CHECK_RESULT(gemini_live_config_add_header(cfg, "Sec-WebSocket-Key", "x"), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_ERROR_MENTIONS("sec-websocket-key");
  CHECK_RESULT(gemini_live_config_set_top_p(cfg, 1.5f), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_ERROR_MENTIONS("top_p");
  recorder rec;
  gemini_live_session *s = open_recorded(cfg, &rec);
  CHECK(stats_contain(mock, "\"temperature\":0.7,"));
  CHECK(stats_contain(mock, "\"topP\":0.9}") || stats_contain(mock, "\"topP\":0.9,"));
  CHECK(stats_contain(mock, "\"thinkingConfig\":{\"thinkingBudget\":1024}"));
  CHECK(stats_contain(mock, "\"languageCodes\":[\"en-US\",\"it-IT\"]"));
  CHECK(stats_contain(mock, "{\"text\":\"Second paragraph.\"}"));

  const uint8_t png[] = {0x89, 'P', 'N', 'G'};
  gemini_live_function_response_part parts[2] = {
      {.mime_type = "image/png", .data = png, .data_len = sizeof png, .display_name = "logo"},
      {.file_uri = "gs://bucket/a.pdf", .mime_type = "application/pdf"},
  };
  gemini_live_function_response responses[2] = {
      {.id = "fc-1", .name = "lookup", .response_json = "{\"output\":1}", .will_continue = -1},
      {.id = "fc-2", .name = "render", .response_json = "{\"output\":2}", .will_continue = -1,
       .scheduling = GEMINI_LIVE_SCHEDULING_SILENT, .parts = parts, .parts_count = 2},
  };
  CHECK_RESULT(gemini_live_session_send_tool_responses(s, responses, 0), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_session_send_tool_responses(s, NULL, 2), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_OK(gemini_live_session_send_tool_responses(s, responses, 2));
  WAIT_STAT(mock, "/messages/tool_response", 1);
  CHECK(stats_contain(mock, "\"name\":\"lookup\""));
  CHECK(stats_contain(mock, "{\"inlineData\":{\"data\":\"iVBORw==\",\"displayName\":\"logo\",\"mimeType\":\"image/png\"}}"));
  CHECK(stats_contain(mock, "{\"fileData\":{\"fileUri\":\"gs://bucket/a.pdf\",\"mimeType\":\"application/pdf\"}}"));
  close_and_free(s, &rec);
  recorder_destroy(&rec);
  gemini_live_mock_server_free(mock);
  printf("test_setup: ok\n");
  return 0;
}
