/* mmbench — small text helpers shared by the commands and the recipes. */
#ifndef MMB_TEXT_H
#define MMB_TEXT_H

/* Levenshtein distance (bounded to small strings). */
int mmb_edit_distance(const char *a, const char *b);

/* Split a comma-separated list, keeping commas inside [...] together.
 * Returns the number of items (heap copies in items[], at most max), or -1
 * when there are more than max items or an empty item. */
int mmb_split_list(const char *text, char **items, int max);
void mmb_free_list(char **items, int n);

#endif
