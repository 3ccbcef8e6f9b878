/* What the model sends besides speech: an image part arrives as IMAGE with its MIME type and
 * bytes (never AUDIO), a transcription carries its language, and every event of a frame points
 * at the frame's own JSON text (raw_json, not NUL-terminated), unknown fields included. */
#include "test_util.h"

static gemini_live_event *next_of(gemini_live_session *s, gemini_live_event_kind kind) {
  for (;;) {
    gemini_live_event *ev = NULL;
    CHECK_OK(gemini_live_session_next_event(s, WAIT_MS, &ev));
    CHECK(ev->kind != GEMINI_LIVE_EVENT_KIND_AUDIO);
    CHECK(ev->kind != GEMINI_LIVE_EVENT_KIND_CLOSED);
    if (ev->kind == kind) return ev;
    gemini_live_event_free(ev);
  }
}

static int contains(const char *p, size_t n, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = 0; p && i + k <= n; i++) {
    if (memcmp(p + i, needle, k) == 0) return 1;
  }
  return 0;
}

int main(void) {
  gemini_live_mock_server *mock = start_mock(
      "{\"scenario\":[{\"on\":\"message:1\",\"send\":{\"serverContent\":{"
      "\"modelTurn\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/jpeg\",\"data\":\"/9j/\"}}]},"
      "\"inputTranscription\":{\"text\":\"hola\",\"languageCode\":\"es-ES\"},"
      "\"futureField\":{\"x\":1}}}}]}");
  gemini_live_config *cfg = mock_config(mock, GEMINI_LIVE_MODALITY_TEXT);
  gemini_live_session *s = NULL;
  CHECK_OK(gemini_live_session_new(cfg, NULL, NULL, NULL, &s));
  gemini_live_config_free(cfg);
  gemini_live_event *connected = next_of(s, GEMINI_LIVE_EVENT_KIND_CONNECTED);
  CHECK(connected->struct_size > offsetof(gemini_live_event, raw_json_len));
  CHECK(contains(connected->raw_json, connected->raw_json_len, "\"setupComplete\""));
  CHECK(connected->frame_seq == 1);
  gemini_live_event_free(connected);

  CHECK_OK(gemini_live_session_send_realtime_text(s, "go"));
  /* Input transcription comes before the model's parts. */
  gemini_live_event *tr = next_of(s, GEMINI_LIVE_EVENT_KIND_INPUT_TRANSCRIPTION);
  CHECK(tr->language_code && strcmp(tr->language_code, "es-ES") == 0);
  CHECK(tr->speaker == NULL && tr->json == NULL);
  gemini_live_event *image = next_of(s, GEMINI_LIVE_EVENT_KIND_IMAGE);
  CHECK(image->mime_type_len == 10 && strcmp(image->mime_type, "image/jpeg") == 0);
  CHECK(image->data_len == 3 && image->data[0] == 0xff && image->data[1] == 0xd8);
  CHECK(contains(image->raw_json, image->raw_json_len, "\"futureField\":{\"x\":1}"));
  /* Both events of the frame point at the same received text. */
  CHECK(tr->raw_json == image->raw_json && tr->raw_json_len == image->raw_json_len);
  CHECK(tr->frame_seq == image->frame_seq && tr->frame_seq > 1);
  gemini_live_event *raw = next_of(s, GEMINI_LIVE_EVENT_KIND_RAW);
  CHECK(contains(raw->json, raw->json_len, "{\"serverContent\":{\"futureField\":{\"x\":1}}}"));
  gemini_live_event_free(raw);
  gemini_live_event_free(tr);
  gemini_live_event_free(image);

  CHECK_OK(gemini_live_session_close(s));
  gemini_live_session_free(s);
  gemini_live_mock_server_free(mock);
  printf("test_fields: ok\n");
  return 0;
}
