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
    ".tablewrap{overflow-x:auto}\n"
    "details#table>summary{cursor:pointer;font-size:1.1em;font-weight:600;margin:.6em 0}\n"
    "#filters{margin:.4em 0;font-size:.9em}#filters label{margin-right:1em}\n"
    "tr:target td{outline:2px solid #0072B2}\n";

const char mmb_html_imgcheck_js[] =
    "window.addEventListener('load', function () {\n"
    "  var imgs = document.querySelectorAll('img.fig'), broken = 0;\n"
    "  for (var i = 0; i < imgs.length; i++) {\n"
    "    var ok = imgs[i].complete && imgs[i].naturalWidth > 0;\n"
    "    imgs[i].setAttribute('data-loaded', ok ? 'yes' : 'no');\n"
    "    if (!ok) {\n"
    "      broken++;\n"
    "      imgs[i].className += ' broken';\n"
    "      var p = document.createElement('div');\n"
    "      p.className = 'missing';\n"
    "      p.textContent = 'This figure did not load: ' + imgs[i].getAttribute('src');\n"
    "      imgs[i].parentNode.parentNode.insertBefore(p, imgs[i].parentNode);\n"
    "    }\n"
    "  }\n"
    "  var s = document.getElementById('imgcheck');\n"
    "  s.setAttribute('data-total', imgs.length);\n"
    "  s.setAttribute('data-broken', broken);\n"
    "  s.setAttribute('data-done', '1');\n"
    "  s.setAttribute('data-load-ms', Math.round(performance.now()));\n"
    "  if (broken) {\n"
    "    s.textContent = broken + ' of ' + imgs.length + ' figures failed to load (moved or '\n"
    "      + 'deleted files?): rerun scripts/plot on this folder.';\n"
    "    s.hidden = false;\n"
    "  }\n"
    "});\n";

const char mmb_html_filter_js[] =
    "(function () {\n"
    "  var det = document.getElementById('table'), bar = document.getElementById('filters');\n"
    "  if (!det || !bar) return;\n"
    "  var rows = det.querySelectorAll('tbody tr'), sels = "
    "bar.querySelectorAll('select[data-key]');\n"
    "  var count = document.getElementById('shown');\n"
    "  function key(s) { return s.getAttribute('data-key'); }\n"
    "  sels.forEach(function (s) {\n"
    "    var seen = {};\n"
    "    for (var i = 0; i < rows.length; i++) seen[rows[i].getAttribute('data-' + key(s))] = 1;\n"
    "    (s.getAttribute('data-extra') || '').split(' ').forEach(function (v) { if (v) seen[v] = "
    "1; });\n"
    "    Object.keys(seen).sort().forEach(function (v) {\n"
    "      var o = document.createElement('option'); o.value = o.textContent = v;\n"
    "      s.appendChild(o);\n"
    "    });\n"
    "    s.addEventListener('change', apply);\n"
    "  });\n"
    "  function match(r, k, v) {\n"
    "    if (!v) return true;\n"
    "    var x = r.getAttribute('data-' + k);\n"
    "    if (v === 'noisy') return r.getAttribute('data-noisy') === '1';\n"
    "    if (v === 'failed') return x !== 'ok' && x !== 'skipped';\n"
    "    return x === v;\n"
    "  }\n"
    "  function apply() {\n"
    "    var n = 0;\n"
    "    for (var i = 0; i < rows.length; i++) {\n"
    "      var ok = true;\n"
    "      sels.forEach(function (s) { ok = ok && match(rows[i], key(s), s.value); });\n"
    "      rows[i].hidden = !ok; n += ok;\n"
    "    }\n"
    "    count.textContent = n + ' of ' + rows.length + ' rows shown';\n"
    "    count.setAttribute('data-shown', n);\n"
    "  }\n"
    "  var q = new URLSearchParams(location.search), any = false;\n"
    "  sels.forEach(function (s) { if (q.get(key(s))) { s.value = q.get(key(s)); any = true; } "
    "});\n"
    "  bar.hidden = false;\n"
    "  apply();\n"
    "  function reveal() {\n"
    "    var h = location.hash;\n"
    "    if (h === '#table' || (h.length > 1 && det.querySelector(h))) det.open = true;\n"
    "  }\n"
    "  if (any) det.open = true;\n"
    "  reveal();\n"
    "  window.addEventListener('hashchange', reveal);\n"
    "})();\n";

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
