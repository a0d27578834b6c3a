/* mmbench — small text helpers: nearest-name distance, bracket-aware lists. */
#include "text.h"

#include <stdlib.h>
#include <string.h>

int mmb_edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return 99;
  int d[64][64];
  for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
  for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      int sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
      d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
    }
  return d[la][lb];
}

int mmb_split_list(const char *text, char **items, int max) {
  int n = 0, depth = 0;
  const char *start = text;
  for (const char *p = text;; p++) {
    if (*p == '[') depth++;
    if (*p == ']' && depth > 0) depth--;
    if ((*p == ',' && depth == 0) || *p == 0) {
      size_t len = (size_t)(p - start);
      if (len == 0 || n == max) {
        mmb_free_list(items, n);
        return -1;
      }
      items[n] = strndup(start, len);
      n++;
      if (*p == 0) break;
      start = p + 1;
    }
  }
  return n;
}

void mmb_free_list(char **items, int n) {
  for (int i = 0; i < n; i++) free(items[i]);
}
