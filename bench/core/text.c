/* mmbench — small text helpers: nearest-name distance, bracket-aware lists,
 * exact membership in separated lists. */
#include "text.h"

#include <stdio.h>
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

int mmb_list_has(const char *list, const char *seps, const char *word) {
  size_t wl = strlen(word);
  for (const char *p = list; p && *p;) {
    size_t n = strcspn(p, seps);
    const char *a = p, *b = p + n;
    while (a < b && *a == ' ') a++;
    while (b > a && b[-1] == ' ') b--;
    if ((size_t)(b - a) == wl && strncmp(a, word, wl) == 0) return 1;
    p += n;
    if (*p) p++;
  }
  return 0;
}

int mmb_list_add(char *buf, size_t len, const char *word) {
  if (mmb_list_has(buf, ",", word)) return 0;
  size_t n = strlen(buf), need = n + (n ? 2 : 0) + strlen(word);
  if (need + 1 > len) return 0;
  snprintf(buf + n, len - n, "%s%s", n ? ", " : "", word);
  return 1;
}
