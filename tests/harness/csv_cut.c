/* mmbench tests — csv_cut FILE COLUMN...: print the named columns of every
 * data row, tab-separated, parsing the CSV properly (quoted commas). */
#include <stdio.h>

#include "table.h"

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  mmb_table *t;
  char err[512];
  if (mmb_table_read(argv[1], &t, err, sizeof err) != 0) return fprintf(stderr, "%s\n", err), 1;
  int cols[64];
  for (int i = 2; i < argc && i < 66; i++) {
    cols[i - 2] = mmb_table_col(t, argv[i]);
    if (cols[i - 2] < 0) return fprintf(stderr, "%s: no column %s\n", argv[1], argv[i]), 1;
  }
  for (size_t r = 0; r < mmb_table_rows(t); r++)
    for (int i = 2; i < argc && i < 66; i++)
      printf("%s%s", mmb_table_get(t, r, cols[i - 2]), i + 1 < argc ? "\t" : "\n");
  mmb_table_free(t);
  return 0;
}
