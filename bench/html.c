/* mmbench — HTML pages: escaping, head and shared style, atomic writing
 * (see html.h). */
#include "html.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char mmb_html_css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;"
    "max-width:1280px;padding:0 1.2em 3em;color:#222;line-height:1.4}\n"
    "h1{margin:.6em 0 0}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.6em}\n"
    "h3{margin:1.4em 0 .3em;color:#0072B2}h4{margin:1em 0 .3em}\n"
    ".sub{color:#555;margin:.2em 0 1em}\n"
    "table{border-collapse:collapse;font-size:.86em;margin:.5em 0}\n"
    "th,td{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}\n"
    "th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}\n"
    ".warn{background:#fdf0e8;border-left:4px solid #D55E00;padding:.5em .8em;margin:.6em 0}\n"
    ".note{background:#eef5fb;border-left:4px solid #0072B2;padding:.4em .8em;margin:.5em 0;"
    "font-size:.9em}\n"
    ".tag{font-size:.8em;padding:0 .3em;border-radius:3px;background:#F0E442;color:#000;"
    "margin-left:.3em}\n"
    ".missing{border:2px dashed #D55E00;padding:1em;color:#8a3b00;background:#fffaf6}\n"
    "nav{font-size:.9em;background:#fafafa;border:1px solid #eee;padding:.4em .8em}\n"
    "nav a{margin-right:.6em}code{font-size:.92em}\n"
    "img{max-width:100%;height:auto}\n"
    ".tablewrap{overflow-x:auto}\n";

void mmb_html_text(FILE *f, const char *text) {
  for (const char *s = text; s && *s; s++) {
    switch (*s) {
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '&': fputs("&amp;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&#39;", f); break;
    default: fputc(*s, f);
    }
  }
}

FILE *mmb_html_open(const char *dir, const char *name, char *err, size_t errlen) {
  char tmp[4400];
  snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
  FILE *f = fopen(tmp, "w");
  if (!f)
    snprintf(err, errlen, "cannot write %s: %s (the folder must be writable)", tmp,
             strerror(errno));
  return f;
}

int mmb_html_close(FILE *f, const char *dir, const char *name, char *err, size_t errlen) {
  char tmp[4400], path[4400];
  snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
  snprintf(path, sizeof path, "%s/%s", dir, name);
  int bad = ferror(f);
  if (fclose(f) != 0 || bad) {
    snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(bad ? EIO : errno));
    unlink(tmp);
    return -1;
  }
  if (rename(tmp, path) != 0) {
    snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

void mmb_html_head(FILE *f, const char *title, const char *extra_css) {
  fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
        f);
  mmb_html_text(f, title);
  fprintf(f, "</title>\n<style>\n%s%s</style>\n</head><body>\n", mmb_html_css,
          extra_css ? extra_css : "");
}

void mmb_html_foot(FILE *f, const char *script) {
  if (script && *script) fprintf(f, "<script>\n%s</script>\n", script);
  fputs("</body></html>\n", f);
}
