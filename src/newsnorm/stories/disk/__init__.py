"""The story index on disk: an embedded database in place of the writing process's memory."""
