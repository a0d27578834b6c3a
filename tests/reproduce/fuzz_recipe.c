/* mmbench tests — libFuzzer entry for the recipe parser (bench/recipe.c):
 * any bytes are parsed; an accepted recipe is expanded against the workload
 * registry (its run lines and selectors) and its run arguments are built.
 * Nothing may crash, leak or read out of bounds, and a refusal must come
 * with a one-line message naming the file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char err[2048];
  mmb_recipe *r = NULL;
  int rc = mmb_recipe_parse((const char *)data, size, "fuzz.recipe", &r, err, sizeof err);
  if (rc != 0) {
    if (strncmp(err, "fuzz.recipe:", 12) != 0 || strchr(err, '\n')) abort();
    return 0;
  }
  if (mmb_recipe_validate(r, 0.01, err, sizeof err) != 0 && strchr(err, '\n')) abort();
  char args[MMB_RECIPE_MAX_ARGS + 8][256];
  for (int k = 0; k < r->nruns; k++)
    mmb_recipe_run_args(r, k, 0.5, 3, args, MMB_RECIPE_MAX_ARGS + 4, err, sizeof err);
  for (int k = 0; k < r->nchecks; k++) {
    char text[1024];
    mmb_recipe_check_text(&r->checks[k], text, sizeof text);
  }
  mmb_recipe_free(r);
  return 0;
}
