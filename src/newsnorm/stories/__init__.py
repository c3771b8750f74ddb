"""Story grouping: per-article features (computed in workers) and the story index.

Rows in, updates out: this package never imports the warehouse."""
