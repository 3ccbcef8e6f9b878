/* Phone bridge: a Live session behind an 8 kHz G.711 μ-law phone line, the way a telephony
 * integration (SIP/RTP gateway, Twilio/Asterisk media stream) would hold one.
 *
 *   phone_bridge QUESTION-16k.wav HEARD.wav
 *
 * The caller: QUESTION-16k.wav (16 kHz PCM16 mono) filtered to the telephone band, decimated to
 * 8 kHz and μ-law encoded here, then streamed as 20 ms frames of 160 bytes on the line's clock
 * (one frame every 20 ms, silence frames between utterances, as RTP does). The session: the
 * library's bundled mock server (gemini_live_mock_*), reply audio delivered as 8 kHz μ-law
 * (gemini_live_config_set_output_audio_format). The line out: an 8 kHz playout buffer (jitter
 * buffer) bound to the session, which feeds it the reply, and drained one 20 ms frame per tick. Barge-in: 800 ms into the reply the
 * caller speaks again; the model interrupts, the buffer is flushed, and the played time the
 * buffer reports for the interrupted turn is printed and checked against the frames sent down
 * the line. The second reply plays out whole. HEARD.wav gets what the caller heard: every μ-law
 * frame sent down the line, decoded to 8 kHz PCM16.
 *
 * Exits 0 when all of that happened, 1 otherwise (no reply audio, no INTERRUPTED, played time
 * missing or not matching the frames pulled, deadline), 2 on bad arguments.
 */
#define _GNU_SOURCE
#include <gemini_live.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wav.h"

#define RATE 8000
#define FRAME 160           /* 20 ms at 8 kHz: one RTP packet of PCMU */
#define FRAME_NS 20000000L
#define JITTER_MS 60        /* start a turn's playout once this much is buffered */
#define BARGE_AFTER_MS 800  /* the caller talks over the reply after hearing this much */
#define BARGE_FRAMES 50     /* ... saying the first 1 s of the question again */
#define DEADLINE_FRAMES 1500 /* 30 s of line time */
#define MAX_TURNS 8

#define TRY(call)                                                                        \
  do {                                                                                   \
    gemini_live_result r_ = (call);                                                      \
    if (r_ != GEMINI_LIVE_RESULT_OK) {                                                   \
      fprintf(stderr, "phone_bridge: %s failed: %s: %s\n", #call, gemini_live_result_name(r_), \
              gemini_live_last_error_message());                                         \
      exit(1);                                                                           \
    }                                                                                    \
  } while (0)

/* ---- G.711 μ-law (ITU-T G.711, the classic Sun/CCITT reference algorithm) ---- */

static uint8_t ulaw_encode(int16_t pcm) {
  int sign = pcm < 0 ? 0x80 : 0;
  int s = pcm < 0 ? -(int)pcm : pcm;
  if (s > 32635) s = 32635;
  s += 0x84;
  int exponent = 7;
  for (int mask = 0x4000; !(s & mask) && exponent > 0; mask >>= 1) exponent--;
  int mantissa = (s >> (exponent + 3)) & 0x0F;
  return (uint8_t)~(sign | exponent << 4 | mantissa);
}

static int16_t ulaw_decode(uint8_t code) {
  code = (uint8_t)~code;
  int t = (((code & 0x0F) << 3) + 0x84) << ((code & 0x70) >> 4);
  return (int16_t)((code & 0x80) ? 0x84 - t : t - 0x84);
}

#define ULAW_SILENCE 0xFF /* ulaw_encode(0) */

/* ---- the caller's line: 16 kHz WAV -> telephone band -> 8 kHz -> μ-law ---- */

/* 16 kHz -> 8 kHz μ-law: a 63-tap windowed-sinc low-pass at 3.4 kHz (the telephone band's top;
 * it also keeps aliases out), every second sample kept. Returns whole 20 ms frames, padded with
 * silence. */
static uint8_t *to_phone_line(const int16_t *pcm, size_t n, size_t *out_frames) {
  enum { TAPS = 63 };
  double h[TAPS], sum = 0;
  const double fc = 3400.0 / 16000.0, pi = 3.14159265358979323846;
  for (int i = 0; i < TAPS; i++) {
    int k = i - TAPS / 2;
    double sinc = k == 0 ? 2 * fc : sin(2 * pi * fc * k) / (pi * k);
    h[i] = sinc * (0.54 - 0.46 * cos(2 * pi * i / (TAPS - 1))); /* Hamming */
    sum += h[i];
  }
  size_t samples = n / 2;
  size_t frames = (samples + FRAME - 1) / FRAME;
  uint8_t *line = malloc(frames * FRAME + 1);
  if (!line) return NULL;
  memset(line, ULAW_SILENCE, frames * FRAME);
  for (size_t j = 0; j < samples; j++) {
    double acc = 0;
    for (int i = 0; i < TAPS; i++) {
      long idx = (long)(2 * j) + i - TAPS / 2;
      if (idx >= 0 && (size_t)idx < n) acc += h[i] * pcm[idx];
    }
    acc /= sum;
    if (acc > 32767) acc = 32767;
    if (acc < -32768) acc = -32768;
    line[j] = ulaw_encode((int16_t)lrint(acc));
  }
  *out_frames = frames;
  return line;
}

/* ---- the session side ---- */

typedef struct {
  pthread_mutex_t mu;
  gemini_live_playout *playout;
  int audio_events, wrong_rate, interrupted, turn_completes, errors, closed;
  uint64_t pushed[MAX_TURNS]; /* samples of reply audio per playout turn */
} bridge;

/* The playout buffer is bound to the session (gemini_live_session_set_playout): before each
 * event reaches this callback the session has pushed the reply, resampled for the 8 kHz buffer,
 * flushed the buffer on INTERRUPTED and ended the turn on TURN_COMPLETE. The AUDIO events
 * themselves arrive as 8 kHz μ-law (the output format) and are only counted here: one μ-law
 * byte per sample the buffer received. */
static void on_event(void *userdata, const gemini_live_event *ev) {
  bridge *b = userdata;
  pthread_mutex_lock(&b->mu);
  switch (ev->kind) {
    case GEMINI_LIVE_EVENT_KIND_AUDIO: {
      b->audio_events++;
      if (ev->sample_rate != RATE) {
        b->wrong_rate++;
        break;
      }
      uint64_t turn = gemini_live_playout_current_turn(b->playout);
      if (turn < MAX_TURNS) b->pushed[turn] += ev->data_len;
      break;
    }
    case GEMINI_LIVE_EVENT_KIND_INTERRUPTED:
      b->interrupted++;
      printf("[interrupted] the caller talked over turn %llu: the session flushed the playout buffer (%llu ms left)\n",
             (unsigned long long)gemini_live_playout_current_turn(b->playout),
             (unsigned long long)gemini_live_playout_buffered_ms(b->playout));
      break;
    case GEMINI_LIVE_EVENT_KIND_TURN_COMPLETE:
      b->turn_completes++;
      printf("[turn complete]\n");
      break;
    case GEMINI_LIVE_EVENT_KIND_INPUT_TRANSCRIPTION:
      if (ev->finished) printf("[caller] %.*s\n", (int)ev->text_len, ev->text);
      break;
    case GEMINI_LIVE_EVENT_KIND_OUTPUT_TRANSCRIPTION:
      break;
    case GEMINI_LIVE_EVENT_KIND_ERROR:
      fprintf(stderr, "[error] %.*s\n", (int)ev->text_len, ev->text);
      b->errors++;
      break;
    case GEMINI_LIVE_EVENT_KIND_CLOSED:
      b->closed = 1;
      break;
    default:
      break;
  }
  fflush(stdout);
  pthread_mutex_unlock(&b->mu);
}

static void next_tick(struct timespec *t) {
  t->tv_nsec += FRAME_NS;
  while (t->tv_nsec >= 1000000000L) t->tv_nsec -= 1000000000L, t->tv_sec++;
  clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, t, NULL);
}

static int fail(const char *why) {
  fprintf(stderr, "phone_bridge: FAILED: %s\n", why);
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: phone_bridge QUESTION-16k.wav HEARD.wav\n");
    return 2;
  }
  size_t bytes = 0;
  uint32_t wav_rate = 0;
  int16_t *pcm = (int16_t *)read_wav(argv[1], &bytes, &wav_rate);
  size_t n = bytes / 2;
  if (!pcm || wav_rate != 16000) {
    fprintf(stderr, "phone_bridge: %s is not a 16 kHz mono PCM16 WAV\n", argv[1]);
    free(pcm);
    return 2;
  }
  size_t q_frames = 0;
  uint8_t *question = to_phone_line(pcm, n, &q_frames);
  free(pcm);
  if (!question || q_frames < BARGE_FRAMES) return fail("the question is too short");

  /* The model: the bundled mock. It hears speech with an energy VAD, answers after 500 ms of
   * silence with 60 ms of audio per word of reply_text, paced in real time, and interrupts a
   * reply still playing when speech starts again. */
  gemini_live_mock_server *mock = NULL;
  TRY(gemini_live_mock_server_start(
      "{\"realtime_output\":true,\"audio_chunk_ms\":40,"
      "\"audio_transcript\":\"what is the weather in Paris\","
      "\"reply_text\":\"Thanks for calling. In Paris it is sunny and twenty one degrees with a light breeze "
      "from the west, and it should stay dry all afternoon, so it is a fine day for a walk by the river.\"}",
      &mock));
  printf("mock server: %s\n", gemini_live_mock_server_url(mock));

  const gemini_live_audio_format line_format = {GEMINI_LIVE_SAMPLE_FORMAT_MULAW, RATE, 1};
  gemini_live_config *cfg = NULL;
  TRY(gemini_live_config_new(&cfg));
  TRY(gemini_live_config_set_api_key(cfg, "mock-key"));
  TRY(gemini_live_config_set_base_url(cfg, gemini_live_mock_server_url(mock)));
  TRY(gemini_live_config_set_model(cfg, "gemini-2.5-flash-native-audio-preview-12-2025"));
  TRY(gemini_live_config_set_response_modality(cfg, GEMINI_LIVE_MODALITY_AUDIO));
  TRY(gemini_live_config_set_input_transcription(cfg, true));
  TRY(gemini_live_config_set_output_audio_format(cfg, &line_format)); /* reply as 8 kHz μ-law */

  bridge b;
  memset(&b, 0, sizeof b);
  pthread_mutex_init(&b.mu, NULL);
  TRY(gemini_live_playout_new(RATE, 10000, &b.playout));
  gemini_live_session *session = NULL;
  TRY(gemini_live_session_new(cfg, on_event, &b, NULL, &session));
  gemini_live_config_free(cfg);
  /* The session feeds the buffer from now on (nothing is said before the caller speaks). */
  TRY(gemini_live_session_set_playout(session, b.playout));

  /* The line: one frame each way every 20 ms, on the line's clock. */
  size_t heard_cap = DEADLINE_FRAMES * FRAME;
  uint8_t *heard = malloc(heard_cap); /* μ-law, as sent down the line */
  if (!heard) return fail("out of memory");
  uint8_t silence[FRAME];
  memset(silence, ULAW_SILENCE, FRAME);
  uint64_t pulled[MAX_TURNS] = {0}; /* samples of audio pulled per playout turn */
  size_t q_next = 0, barge_next = 0, ticks = 0;
  int barged = 0, playing = 0, done = 0;
  struct timespec clock;
  clock_gettime(CLOCK_MONOTONIC, &clock);
  printf("[call] caller speaks: %zu ms of 8 kHz mu-law in 20 ms frames\n", q_frames * 20);
  fflush(stdout);
  for (; ticks < DEADLINE_FRAMES && !done; ticks++) {
    next_tick(&clock);

    /* caller -> model */
    const uint8_t *up = silence;
    if (q_next < q_frames) up = question + FRAME * q_next++;
    else if (barged && barge_next < BARGE_FRAMES) up = question + FRAME * barge_next++;
    TRY(gemini_live_session_send_audio_ex(session, up, FRAME, &line_format));

    /* model -> caller: a jitter buffer that starts a turn once JITTER_MS is buffered (or the
     * turn is complete) and rebuffers when it runs dry */
    int16_t down[FRAME];
    size_t got = 0;
    uint64_t turn = gemini_live_playout_current_turn(b.playout);
    pthread_mutex_lock(&b.mu);
    int turn_ended = (uint64_t)b.turn_completes >= turn && turn > 0;
    pthread_mutex_unlock(&b.mu);
    if (!playing && (gemini_live_playout_buffered_ms(b.playout) >= JITTER_MS || turn_ended)) playing = 1;
    if (playing) {
      got = gemini_live_playout_pull(b.playout, down, FRAME); /* silence-filled past `got` */
      if (got < FRAME) playing = 0;
      if (got > 0) {
        turn = gemini_live_playout_current_turn(b.playout);
        if (turn < MAX_TURNS) pulled[turn] += got;
      }
    } else {
      memset(down, 0, sizeof down);
    }
    for (int i = 0; i < FRAME; i++) heard[ticks * FRAME + i] = ulaw_encode(down[i]);

    /* the script of the call */
    if (!barged && pulled[1] >= BARGE_AFTER_MS * (RATE / 1000)) {
      barged = 1;
      printf("[call] caller talks over the reply after hearing %llu ms of it\n",
             (unsigned long long)(pulled[1] * 1000 / RATE));
      fflush(stdout);
    }
    if (barged && barge_next == BARGE_FRAMES && turn >= 2) {
      uint64_t ms = 0;
      bool finished = false;
      done = gemini_live_playout_turn_played_ms(b.playout, 2, &ms, &finished) == GEMINI_LIVE_RESULT_OK &&
             finished && gemini_live_playout_buffered_ms(b.playout) == 0;
    }
    pthread_mutex_lock(&b.mu);
    if (b.closed) done = -1;
    pthread_mutex_unlock(&b.mu);
  }
  gemini_live_session_free(session); /* no callback runs after this returns */
  gemini_live_mock_server_free(mock);
  free(question);

  /* what the caller heard */
  int16_t *heard_pcm = malloc(ticks * FRAME * sizeof(int16_t) + 1);
  if (!heard_pcm) return fail("out of memory");
  for (size_t i = 0; i < ticks * FRAME; i++) heard_pcm[i] = ulaw_decode(heard[i]);
  free(heard);
  int wrote = write_wav(argv[2], (const uint8_t *)heard_pcm, ticks * FRAME * sizeof *heard_pcm, RATE);
  free(heard_pcm);

  /* the checks */
  uint64_t ms1 = 0, ms2 = 0;
  bool fin1 = false, fin2 = false;
  int have1 = gemini_live_playout_turn_played_ms(b.playout, 1, &ms1, &fin1) == GEMINI_LIVE_RESULT_OK;
  int have2 = gemini_live_playout_turn_played_ms(b.playout, 2, &ms2, &fin2) == GEMINI_LIVE_RESULT_OK;
  uint64_t turns = gemini_live_playout_current_turn(b.playout);
  gemini_live_playout_free(b.playout);
  pthread_mutex_destroy(&b.mu);

  printf("[call] %zu frames each way (%.2f s of line time)\n", ticks, ticks * 0.02);
  if (have1)
    printf("turn 1: %llu ms played of %llu ms received, then interrupted (%llu ms pulled)\n",
           (unsigned long long)ms1, (unsigned long long)(b.pushed[1] * 1000 / RATE),
           (unsigned long long)(pulled[1] * 1000 / RATE));
  if (have2)
    printf("turn 2: %llu ms played of %llu ms received (%llu ms pulled)\n", (unsigned long long)ms2,
           (unsigned long long)(b.pushed[2] * 1000 / RATE), (unsigned long long)(pulled[2] * 1000 / RATE));
  if (done < 0) return fail("the session closed");
  if (!done) return fail("the call did not finish within 30 s of line time");
  if (b.errors) return fail("error events or playout calls failed");
  if (b.audio_events == 0 || b.pushed[1] == 0) return fail("no reply audio");
  if (b.wrong_rate) return fail("reply audio was not 8 kHz");
  if (b.interrupted != 1) return fail("expected exactly one INTERRUPTED");
  if (turns != 2) return fail("expected two reply turns in the playout buffer");
  if (!have1 || !fin1) return fail("no final played time for the interrupted turn");
  if (ms1 != pulled[1] * 1000 / RATE) return fail("turn 1: played time differs from the frames pulled");
  if (ms1 < BARGE_AFTER_MS || pulled[1] >= b.pushed[1])
    return fail("turn 1: the interruption did not cut the reply short");
  if (!have2 || !fin2) return fail("no final played time for the second turn");
  if (ms2 != pulled[2] * 1000 / RATE || pulled[2] != b.pushed[2])
    return fail("turn 2: played time differs from the frames pulled or the reply received");
  if (wrote != 0) return fail("cannot write the WAV file");
  printf("wrote %s: what the caller heard, %zu ms of 8 kHz PCM16 (decoded from the mu-law line)\n", argv[2],
         ticks * 20);
  return 0;
}
