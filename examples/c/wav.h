/* 16-bit mono PCM WAV files for the C examples: read (any chunk order) and write. Header-only,
 * static functions: include it from one example file. The host is little-endian like WAV. */
#ifndef GEMINI_LIVE_EXAMPLES_WAV_H
#define GEMINI_LIVE_EXAMPLES_WAV_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads a 16-bit mono PCM WAV file: returns its samples' bytes (malloc'd, the caller frees
 * them; `*len` is even) and its rate, or NULL if it cannot be read or is another format. */
static uint8_t *read_wav(const char *path, size_t *len, uint32_t *rate) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  uint8_t hdr[12];
  if (fread(hdr, 1, 12, f) != 12 || memcmp(hdr, "RIFF", 4) || memcmp(hdr + 8, "WAVE", 4)) goto bad;
  uint16_t channels = 0, bits = 0;
  for (;;) {
    uint8_t ch[8];
    if (fread(ch, 1, 8, f) != 8) goto bad;
    uint32_t size = ch[4] | ch[5] << 8 | ch[6] << 16 | (uint32_t)ch[7] << 24;
    if (!memcmp(ch, "fmt ", 4)) {
      uint8_t fmt[16];
      if (size < 16 || fread(fmt, 1, 16, f) != 16) goto bad;
      channels = fmt[2] | fmt[3] << 8;
      *rate = fmt[4] | fmt[5] << 8 | fmt[6] << 16 | (uint32_t)fmt[7] << 24;
      bits = fmt[14] | fmt[15] << 8;
      fseek(f, (long)(size - 16 + (size & 1)), SEEK_CUR);
    } else if (!memcmp(ch, "data", 4)) {
      if (channels != 1 || bits != 16) goto bad;
      uint8_t *pcm = malloc(size);
      if (!pcm || fread(pcm, 1, size, f) != size) {
        free(pcm);
        goto bad;
      }
      fclose(f);
      *len = size & ~(size_t)1;
      return pcm;
    } else {
      fseek(f, (long)(size + (size & 1)), SEEK_CUR);
    }
  }
bad:
  fclose(f);
  return NULL;
}

static void put32(uint8_t *p, uint32_t v) { p[0] = v, p[1] = v >> 8, p[2] = v >> 16, p[3] = v >> 24; }

/* Writes `len` bytes of 16-bit mono PCM at `rate` as a WAV file: 0, or -1 on failure. */
static int write_wav(const char *path, const uint8_t *pcm, size_t len, uint32_t rate) {
  uint8_t h[44] = "RIFF____WAVEfmt ____________________data____";
  put32(h + 4, (uint32_t)(36 + len));
  put32(h + 16, 16);
  h[20] = 1, h[21] = 0; /* PCM */
  h[22] = 1, h[23] = 0; /* mono */
  put32(h + 24, rate);
  put32(h + 28, rate * 2);
  h[32] = 2, h[33] = 0;  /* block align */
  h[34] = 16, h[35] = 0; /* bits */
  put32(h + 40, (uint32_t)len);
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  int ok = fwrite(h, 1, 44, f) == 44 && fwrite(pcm, 1, len, f) == len;
  return fclose(f) == 0 && ok ? 0 : -1;
}

#endif
