/* mmbench — small text helpers shared by the commands and the recipes. */
#ifndef MMB_TEXT_H
#define MMB_TEXT_H

#include <stddef.h>

/* Levenshtein distance (bounded to small strings). */
int mmb_edit_distance(const char *a, const char *b);

/* Split a comma-separated list, keeping commas inside [...] together.
 * Returns the number of items (heap copies in items[], at most max), or -1
 * when there are more than max items or an empty item. */
int mmb_split_list(const char *text, char **items, int max);
void mmb_free_list(char **items, int n);

/* 1 when word is one whole item of list, whose items are separated by any
 * character of seps (spaces around an item are ignored); 0 otherwise (a
 * word that is only part of an item, e.g. rc in "rc+cc", is not in it). */
int mmb_list_has(const char *list, const char *seps, const char *word);

/* Append word to the ", "-separated list in buf (len bytes) unless it is an
 * item already; never writes past len (a word that does not fit is left
 * out). 1 added, 0 not. */
int mmb_list_add(char *buf, size_t len, const char *word);

#endif
