/* mmbench tests — libFuzzer target for the trace reader: any bytes are
 * parsed as a trace; a load that succeeds must give events in order whose
 * block references stay within the blocks it counted. */
#include <stdint.h>
#include <stdlib.h>

#include "trace_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mmb_trace t;
  char err[300];
  if (mmb_trace_parse(data, size, &t, err, sizeof err) != 0) {
    if (!err[0]) abort(); /* a refusal always says why */
    return 0;
  }
  for (size_t i = 0; i < t.nev; i++) {
    const mmb_trace_ev *e = &t.ev[i];
    if (i && e->key <= t.ev[i - 1].key) abort();
    if (e->thread >= t.nthreads) abort();
    if (e->rel != MMB_TB_NONE && e->rel >= t.nblocks) abort();
    if (e->born != MMB_TB_NONE && e->born >= t.nblocks) abort();
    if (e->key2 < e->key) abort();
  }
  mmb_trace_free(&t);
  return 0;
}
