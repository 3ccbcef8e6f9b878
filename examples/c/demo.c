/* Voice demo: streams a 16 kHz WAV question in real time (20 ms chunks, then 1 s of silence),
 * prints transcriptions, text and tool calls as they arrive, answers the get_weather tool call,
 * and writes the spoken reply to a 24 kHz WAV file. Exits 0 once the reply's turn completes.
 *
 *   demo QUESTION.wav OUT.wav        (env: GEMINI_API_KEY, or GEMINI_LIVE_BASE_URL for a mock;
 *                                     GEMINI_MODEL optional; GEMINI_LIVE_DEMO_DEADLINE_S, 60)
 */
#define _GNU_SOURCE
#include <gemini_live.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wav.h"

#define TRY(call)                                                                  \
  do {                                                                             \
    gemini_live_result r_ = (call);                                                \
    if (r_ != GEMINI_LIVE_RESULT_OK) {                                             \
      fprintf(stderr, "demo: %s failed: %s: %s\n", #call, gemini_live_result_name(r_), \
              gemini_live_last_error_message());                                   \
      exit(1);                                                                     \
    }                                                                              \
  } while (0)

typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  gemini_live_session *session; /* set before any event can need it (see main) */
  uint8_t *audio;
  size_t audio_len, audio_cap;
  uint32_t audio_rate;
  int tool_calls_pending;
  int answered;   /* tool responses sent */
  int replied;    /* audio or text arrived after the last answer */
  int done, closed;
} demo_state;

static void on_event(void *userdata, const gemini_live_event *ev) {
  demo_state *st = userdata;
  pthread_mutex_lock(&st->mu);
  switch (ev->kind) {
    case GEMINI_LIVE_EVENT_KIND_CONNECTED:
      printf("[connected]\n");
      break;
    case GEMINI_LIVE_EVENT_KIND_INPUT_TRANSCRIPTION:
      if (!ev->interim) printf("[you] %.*s%s\n", (int)ev->text_len, ev->text, ev->finished ? " (final)" : "");
      break;
    case GEMINI_LIVE_EVENT_KIND_OUTPUT_TRANSCRIPTION:
      printf("[model speech] %.*s\n", (int)ev->text_len, ev->text);
      break;
    case GEMINI_LIVE_EVENT_KIND_TEXT:
      printf("[model text] %.*s\n", (int)ev->text_len, ev->text);
      st->replied = 1;
      break;
    case GEMINI_LIVE_EVENT_KIND_VOICE_ACTIVITY:
      printf("[voice] %.*s\n", (int)ev->name_len, ev->name);
      break;
    case GEMINI_LIVE_EVENT_KIND_AUDIO:
      if (st->audio_len + ev->data_len > st->audio_cap) {
        size_t cap = (st->audio_cap ? st->audio_cap * 2 : 1 << 16);
        while (cap < st->audio_len + ev->data_len) cap *= 2;
        uint8_t *grown = realloc(st->audio, cap);
        if (!grown) abort();
        st->audio = grown;
        st->audio_cap = cap;
      }
      memcpy(st->audio + st->audio_len, ev->data, ev->data_len); /* borrowed: copy it */
      st->audio_len += ev->data_len;
      st->audio_rate = ev->sample_rate;
      st->replied = 1;
      break;
    case GEMINI_LIVE_EVENT_KIND_TOOL_CALL: {
      printf("[tool call] %.*s(%.*s) id=%.*s\n", (int)ev->name_len, ev->name, (int)ev->json_len, ev->json,
             (int)ev->id_len, ev->id);
      /* answer from inside the callback: sends are non-blocking and re-entrant */
      const char *answer = "{\"output\":{\"forecast\":\"sunny\",\"temperature_celsius\":21}}";
      gemini_live_result r = gemini_live_session_send_tool_response(st->session, ev->id, ev->name, answer,
                                                                   GEMINI_LIVE_SCHEDULING_NONE, -1);
      if (r != GEMINI_LIVE_RESULT_OK)
        fprintf(stderr, "demo: tool response failed: %s\n", gemini_live_last_error_message());
      printf("[tool response] %s\n", answer);
      st->answered++;
      st->replied = 0;
      break;
    }
    case GEMINI_LIVE_EVENT_KIND_TOOL_CALL_CANCELLATION:
      printf("[tool call cancelled] %.*s\n", (int)ev->json_len, ev->json);
      break;
    case GEMINI_LIVE_EVENT_KIND_INTERRUPTED:
      printf("[interrupted]\n");
      break;
    case GEMINI_LIVE_EVENT_KIND_TURN_COMPLETE:
      printf("[turn complete]\n");
      if (st->replied) st->done = 1; /* the turn that carried the reply */
      break;
    case GEMINI_LIVE_EVENT_KIND_ERROR:
      fprintf(stderr, "[error] %.*s\n", (int)ev->text_len, ev->text);
      break;
    case GEMINI_LIVE_EVENT_KIND_CLOSED:
      printf("[closed %u] %.*s\n", ev->close_code, (int)ev->text_len, ev->text);
      st->closed = 1;
      break;
    default:
      break;
  }
  fflush(stdout);
  pthread_cond_broadcast(&st->cv);
  pthread_mutex_unlock(&st->mu);
}

static void sleep_until(struct timespec *t, long add_ns) {
  t->tv_nsec += add_ns;
  while (t->tv_nsec >= 1000000000L) t->tv_nsec -= 1000000000L, t->tv_sec++;
  clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, t, NULL);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: demo QUESTION.wav OUT.wav\n");
    return 2;
  }
  size_t pcm_len = 0;
  uint32_t rate = 0;
  uint8_t *pcm = read_wav(argv[1], &pcm_len, &rate);
  if (!pcm || rate != 16000) {
    fprintf(stderr, "demo: %s is not a 16 kHz mono PCM16 WAV\n", argv[1]);
    return 1;
  }
  const char *key = getenv("GEMINI_API_KEY");
  const char *base_url = getenv("GEMINI_LIVE_BASE_URL");
  const char *model = getenv("GEMINI_MODEL");
  const char *deadline_env = getenv("GEMINI_LIVE_DEMO_DEADLINE_S");
  int deadline_s = deadline_env ? atoi(deadline_env) : 60;

  gemini_live_config *cfg = NULL;
  TRY(gemini_live_config_new(&cfg));
  TRY(gemini_live_config_set_api_key(cfg, key ? key : "mock-key"));
  if (base_url) TRY(gemini_live_config_set_base_url(cfg, base_url));
  TRY(gemini_live_config_set_model(cfg, model ? model : "gemini-2.5-flash-native-audio-preview-12-2025"));
  TRY(gemini_live_config_set_response_modality(cfg, GEMINI_LIVE_MODALITY_AUDIO));
  TRY(gemini_live_config_set_input_transcription(cfg, true));
  TRY(gemini_live_config_set_output_transcription(cfg, true));
  TRY(gemini_live_config_set_system_instruction(
      cfg, "You are a concise voice assistant. Use get_weather for weather questions."));
  TRY(gemini_live_config_set_tools_json(
      cfg,
      "[{\"functionDeclarations\":[{\"name\":\"get_weather\",\"description\":\"Current weather for a city\","
      "\"parameters\":{\"type\":\"OBJECT\",\"properties\":{\"location\":{\"type\":\"STRING\"}}}}]}]"));

  demo_state st;
  memset(&st, 0, sizeof st);
  pthread_mutex_init(&st.mu, NULL);
  pthread_cond_init(&st.cv, NULL);
  /* The session pointer is needed by the callback only for tool calls, which come after we
   * start streaming; lock so the callback sees it. */
  gemini_live_session *session = NULL;
  pthread_mutex_lock(&st.mu);
  gemini_live_result r = gemini_live_session_new(cfg, on_event, &st, NULL, &session);
  st.session = session;
  pthread_mutex_unlock(&st.mu);
  if (r != GEMINI_LIVE_RESULT_OK) {
    fprintf(stderr, "demo: connect failed: %s: %s\n", gemini_live_result_name(r), gemini_live_last_error_message());
    return 1;
  }
  gemini_live_config_free(cfg);

  /* stream the question in real time, 20 ms per chunk, then 1 s of silence */
  const size_t chunk = 16000 / 50 * 2;
  uint8_t silence[640];
  memset(silence, 0, sizeof silence);
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  for (size_t off = 0; off < pcm_len; off += chunk) {
    size_t n = pcm_len - off < chunk ? pcm_len - off : chunk;
    TRY(gemini_live_session_send_audio(session, pcm + off, n, 16000));
    sleep_until(&t, 20000000L);
  }
  for (int i = 0; i < 50; i++) {
    TRY(gemini_live_session_send_audio(session, silence, sizeof silence, 16000));
    sleep_until(&t, 20000000L);
  }
  free(pcm);

  /* wait for the reply's turn to complete */
  struct timespec dl;
  clock_gettime(CLOCK_REALTIME, &dl);
  dl.tv_sec += deadline_s;
  pthread_mutex_lock(&st.mu);
  int timed_out = 0;
  while (!st.done && !st.closed && !timed_out) timed_out = pthread_cond_timedwait(&st.cv, &st.mu, &dl) != 0;
  int ok = st.done;
  pthread_mutex_unlock(&st.mu);
  gemini_live_session_free(session);

  if (!ok) {
    fprintf(stderr, "demo: %s before the reply completed\n", timed_out ? "deadline passed" : "session closed");
    return 1;
  }
  if (write_wav(argv[2], st.audio, st.audio_len, st.audio_rate ? st.audio_rate : 24000) != 0) {
    fprintf(stderr, "demo: cannot write %s\n", argv[2]);
    return 1;
  }
  printf("wrote %s: %zu bytes of %u Hz PCM16 (%.2f s), %d tool response(s)\n", argv[2], st.audio_len,
         st.audio_rate, st.audio_len / 2.0 / (st.audio_rate ? st.audio_rate : 24000), st.answered);
  free(st.audio);
  return 0;
}
