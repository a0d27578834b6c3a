/* mmbench tests — json_check FILE KEY...: the file parses as JSON and every
 * dotted KEY path (a.b.c) exists. Exit 0 or 1 with the missing key. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  FILE *f = fopen(argv[1], "r");
  if (!f) return perror(argv[1]), 1;
  static char buf[1 << 20];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  cJSON *root = cJSON_Parse(buf);
  if (!root) return fprintf(stderr, "%s: not valid JSON\n", argv[1]), 1;
  for (int i = 2; i < argc; i++) {
    char path[256];
    snprintf(path, sizeof path, "%s", argv[i]);
    cJSON *node = root;
    for (char *save = NULL, *k = strtok_r(path, ".", &save); k && node;
         k = strtok_r(NULL, ".", &save))
      node = cJSON_GetObjectItemCaseSensitive(node, k);
    if (!node) return fprintf(stderr, "%s: no key %s\n", argv[1], argv[i]), 1;
  }
  cJSON_Delete(root);
  return 0;
}
