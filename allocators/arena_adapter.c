/* placeholder until the arena allocator lands */
#include "allocator.h"
const mmb_allocator mmb_alloc_arena = {.name = "arena", .description = "bump-pointer region allocator", .kind = MMB_KIND_INPROC, .unavailable = "not built yet"};
const mmb_allocator mmb_alloc_arena_pool = {.name = "arena-pool", .description = "region + size-class free lists", .kind = MMB_KIND_INPROC, .unavailable = "not built yet"};
