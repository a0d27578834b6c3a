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

/* The shared style sheet (colours from the Okabe–Ito palette). */
extern const char mmb_html_css[];

#endif
