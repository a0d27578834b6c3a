/* mmbench — the one HTML helper of the pages the suite writes (report.html,
 * compare.html, reproduce.html): escaping, the page head with the shared
 * style sheet, and writing a page atomically (a temporary file renamed into
 * place, so a reader never sees half a page). Pages stay self-contained:
 * inline style and script, figures referenced relatively, nothing fetched. */
#ifndef MMB_HTML_H
#define MMB_HTML_H

#include <stddef.h>
#include <stdio.h>

/* Write text HTML-escaped (& < > " ' become entities); NULL writes nothing. */
void mmb_html_text(FILE *f, const char *text);

/* Open dir/name.tmp for a page. The stream, or NULL with err ("cannot write
 * ...: reason (the folder must be writable)"). */
FILE *mmb_html_open(const char *dir, const char *name, char *err, size_t errlen);

/* Close the stream from mmb_html_open and rename the page into place.
 * 0, or -1 with err (the temporary file is removed). */
int mmb_html_close(FILE *f, const char *dir, const char *name, char *err, size_t errlen);

/* <!DOCTYPE html> to <body>: charset, viewport, the escaped title, the
 * shared style sheet, then extra_css (page-specific rules; may be NULL). */
void mmb_html_head(FILE *f, const char *title, const char *extra_css);

/* The closing: an optional inline script, </body></html>. */
void mmb_html_foot(FILE *f, const char *script);

/* A script that marks every img.fig that did not load (class broken, a
 * note before it, data-loaded="yes"/"no") and fills the page's
 * <div id="imgcheck" hidden data-done="0"> with data-total, data-broken,
 * data-done="1" and data-load-ms (ms from navigation to the load event),
 * for readers and the headless-browser test. */
extern const char mmb_html_imgcheck_js[];
/* That div. */
#define MMB_HTML_IMGCHECK "<div id=\"imgcheck\" class=\"warn\" hidden data-done=\"0\"></div>\n"

/* A script for a collapsed table: <details id="table"> holding a table whose
 * tbody rows carry data-<key> attributes, and a hidden <div id="filters">
 * of <select data-key="KEY" [data-extra="v1 v2"]> with a first option "" =
 * all, and a <span id="shown">. The script fills the selects from the rows,
 * shows the bar, hides the rows that do not match, writes "n of N rows
 * shown" (and data-shown=n), takes initial values from the page address
 * (?KEY=value) and opens the table for them or for a #fragment inside it.
 * Special values: "noisy" (data-noisy="1"), "failed" (data-KEY neither ok
 * nor skipped). Without JavaScript the table simply opens in full. */
extern const char mmb_html_filter_js[];

/* The shared style sheet (colours from the Okabe–Ito palette). */
extern const char mmb_html_css[];

#endif
