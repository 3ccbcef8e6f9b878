/* Config setters: every bad value fails at the setter with its own code and a message;
 * out-params are untouched on failure; session_new refuses incomplete configs. */
#include "test_util.h"

static const char bad_utf8[] = {'a', (char)0xff, 'b', 0};

int main(void) {
  gemini_live_config *c = NULL;
  CHECK_RESULT(gemini_live_config_new(NULL), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_ERROR_MENTIONS("`out` is NULL");
  CHECK_OK(gemini_live_config_new(&c));

  /* NULL config / NULL strings */
  CHECK_RESULT(gemini_live_config_set_api_key(NULL, "k"), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_ERROR_MENTIONS("config");
  CHECK_RESULT(gemini_live_config_set_api_key(c, NULL), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_ERROR_MENTIONS("api_key");
  CHECK_RESULT(gemini_live_config_set_model(c, NULL), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_RESULT(gemini_live_config_set_temperature(NULL, 1.0f), GEMINI_LIVE_RESULT_NULL_ARGUMENT);

  /* invalid UTF-8 */
  CHECK_RESULT(gemini_live_config_set_api_key(c, bad_utf8), GEMINI_LIVE_RESULT_INVALID_UTF8);
  CHECK_ERROR_MENTIONS("UTF-8");
  CHECK_RESULT(gemini_live_config_set_model(c, bad_utf8), GEMINI_LIVE_RESULT_INVALID_UTF8);
  CHECK_RESULT(gemini_live_config_set_system_instruction(c, bad_utf8), GEMINI_LIVE_RESULT_INVALID_UTF8);
  CHECK_RESULT(gemini_live_config_set_tools_json(c, bad_utf8), GEMINI_LIVE_RESULT_INVALID_UTF8);

  /* empty / out of range / bad enums */
  CHECK_RESULT(gemini_live_config_set_api_key(c, ""), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_config_set_model(c, ""), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_config_set_temperature(c, 2.5f), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_ERROR_MENTIONS("[0, 2]");
  CHECK_RESULT(gemini_live_config_set_temperature(c, -0.1f), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_config_set_temperature(c, 0.0f / 0.0f), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_OK(gemini_live_config_set_temperature(c, 2.0f));
  CHECK_RESULT(gemini_live_config_set_response_modality(c, 7), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_ERROR_MENTIONS("modality");
  CHECK_RESULT(gemini_live_config_set_activity_handling(c, 3), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_config_set_automatic_activity_detection(c, 9, 0, -1, -1),
               GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_config_set_automatic_activity_detection(c, 0, 0, -5, -1),
               GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_OK(gemini_live_config_set_automatic_activity_detection(
      c, GEMINI_LIVE_SENSITIVITY_HIGH, GEMINI_LIVE_SENSITIVITY_LOW, 20, 500));
  CHECK_OK(gemini_live_config_set_manual_activity_detection(c, true));
  CHECK_OK(gemini_live_config_set_activity_handling(c, GEMINI_LIVE_ACTIVITY_HANDLING_NO_INTERRUPTION));
  CHECK_RESULT(gemini_live_config_set_connect_timeout_ms(c, 0), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_config_set_setup_timeout_ms(c, 0), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_config_set_send_queue_size(c, 0), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_config_set_send_queue_size(c, 1000000), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_config_set_reconnect(c, true, 0), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_OK(gemini_live_config_set_reconnect(c, true, 3));
  CHECK_RESULT(gemini_live_config_set_audio_pacing(c, true, 1000, 100), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_OK(gemini_live_config_set_audio_pacing(c, true, 16000, 200));
  CHECK_RESULT(gemini_live_config_set_context_window_compression(c, true, 100, 200),
               GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_OK(gemini_live_config_set_context_window_compression(c, true, 20000, 10000));
  CHECK_RESULT(gemini_live_config_set_session_resumption(c, true, "", false), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_OK(gemini_live_config_set_session_resumption(c, true, NULL, false));
  CHECK_RESULT(gemini_live_config_set_api_version(c, "v1/x"), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_OK(gemini_live_config_set_api_version(c, "v1beta"));
  CHECK_RESULT(gemini_live_config_set_voice(c, ""), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_OK(gemini_live_config_set_voice(c, "Puck"));
  CHECK_OK(gemini_live_config_set_language(c, "en-US"));
  CHECK_OK(gemini_live_config_set_input_transcription(c, true));
  CHECK_OK(gemini_live_config_set_output_transcription(c, true));
  CHECK_OK(gemini_live_config_set_include_thoughts(c, true));

  /* URLs */
  CHECK_RESULT(gemini_live_config_set_base_url(c, "not a url"), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(gemini_live_config_set_base_url(c, "ftp://example.com"), GEMINI_LIVE_RESULT_INVALID_ARGUMENT);
  CHECK_ERROR_MENTIONS("ftp");
  CHECK_OK(gemini_live_config_set_base_url(c, "https://proxy.example.com/gemini"));
  CHECK_OK(gemini_live_config_set_allow_insecure(c, false));

  /* JSON */
  CHECK_RESULT(gemini_live_config_set_tools_json(c, "{not json"), GEMINI_LIVE_RESULT_INVALID_JSON);
  CHECK_ERROR_MENTIONS("not valid JSON");
  CHECK_RESULT(gemini_live_config_set_tools_json(c, "{\"functionDeclarations\":[]}"), GEMINI_LIVE_RESULT_INVALID_JSON);
  CHECK_RESULT(gemini_live_config_set_tools_json(c, "[1]"), GEMINI_LIVE_RESULT_INVALID_JSON);
  CHECK_OK(gemini_live_config_set_tools_json(c, "[{\"googleSearch\":{}}]"));
  CHECK_RESULT(gemini_live_config_merge_setup_json(c, "[1,2]"), GEMINI_LIVE_RESULT_INVALID_JSON);
  CHECK_RESULT(gemini_live_config_merge_setup_json(c, "{"), GEMINI_LIVE_RESULT_INVALID_JSON);
  CHECK_OK(gemini_live_config_merge_setup_json(c, "{\"generationConfig\":{\"topK\":3}}"));

  /* CA file: checked at the setter */
  CHECK_RESULT(gemini_live_config_set_ca_file(c, "/nonexistent/ca.pem"), GEMINI_LIVE_RESULT_TLS);
  CHECK_ERROR_MENTIONS("/nonexistent/ca.pem");
  FILE *f = fopen("/tmp/gemini_live_test_not_a_cert.pem", "w");
  CHECK(f);
  fputs("hello\n", f);
  fclose(f);
  CHECK_RESULT(gemini_live_config_set_ca_file(c, "/tmp/gemini_live_test_not_a_cert.pem"), GEMINI_LIVE_RESULT_TLS);
  CHECK_ERROR_MENTIONS("no certificates");
  remove("/tmp/gemini_live_test_not_a_cert.pem");
  CHECK_OK(gemini_live_config_set_ca_file(c, NULL));

  /* credentials */
  CHECK_RESULT(gemini_live_config_set_vertex(c, "p", NULL, "t"), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_OK(gemini_live_config_set_vertex(c, "proj", "us-central1", "ya29.token"));
  CHECK_OK(gemini_live_config_set_ephemeral_token(c, "auth_tokens/abc"));
  CHECK_OK(gemini_live_config_set_credential_callback(c, NULL, NULL));
  gemini_live_config_free(c);

  /* session_new: out untouched on failure; incomplete configs */
  gemini_live_session *s = (gemini_live_session *)0x1;
  CHECK_RESULT(gemini_live_session_new(NULL, NULL, NULL, NULL, &s), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK(s == (gemini_live_session *)0x1);
  CHECK_OK(gemini_live_config_new(&c));
  CHECK_RESULT(gemini_live_session_new(c, NULL, NULL, NULL, &s), GEMINI_LIVE_RESULT_CONFIG);
  CHECK_ERROR_MENTIONS("no credentials");
  CHECK(s == (gemini_live_session *)0x1);
  CHECK_OK(gemini_live_config_set_api_key(c, "k"));
  CHECK_RESULT(gemini_live_session_new(c, NULL, NULL, NULL, NULL), GEMINI_LIVE_RESULT_NULL_ARGUMENT);
  CHECK_OK(gemini_live_config_set_base_url(c, "ws://10.1.2.3:9"));
  CHECK_RESULT(gemini_live_session_new(c, NULL, NULL, NULL, &s), GEMINI_LIVE_RESULT_CONFIG);
  CHECK_ERROR_MENTIONS("plain-text");
  gemini_live_config_free(c);

  /* the last error message is per thread and stays valid until the next failure */
  const char *msg = gemini_live_last_error_message();
  CHECK(msg && strstr(msg, "plain-text"));
  CHECK_OK(gemini_live_config_new(&c));
  CHECK(strstr(msg, "plain-text")); /* a success does not replace it */
  gemini_live_config_free(c);

  printf("test_config: ok\n");
  return 0;
}
