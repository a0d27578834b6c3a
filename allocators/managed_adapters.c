/* placeholder until the rc / gc layer lands */
#include "allocator.h"
const mmb_allocator mmb_alloc_manual = {.name = "manual", .kind = MMB_KIND_MANAGED, .unavailable = "not built yet"};
const mmb_allocator mmb_alloc_rc = {.name = "rc", .kind = MMB_KIND_MANAGED, .unavailable = "not built yet"};
const mmb_allocator mmb_alloc_rc_cc = {.name = "rc+cc", .kind = MMB_KIND_MANAGED, .unavailable = "not built yet"};
const mmb_allocator mmb_alloc_gc = {.name = "gc", .kind = MMB_KIND_MANAGED, .unavailable = "not built yet"};
const mmb_allocator mmb_alloc_boehm = {.name = "boehm", .kind = MMB_KIND_MANAGED, .unavailable = "not built yet"};
