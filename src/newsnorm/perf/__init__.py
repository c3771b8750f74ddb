"""Performance helpers: compact tables, allocator tuning, child builds.

They may change speed or memory, never a result."""
