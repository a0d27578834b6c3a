/* mmbench tests — a shared library with no malloc symbol at all. */
int mmb_fault_not_a_malloc(int x) { return x + 1; }
