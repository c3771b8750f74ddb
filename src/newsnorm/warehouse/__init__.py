"""The Parquet warehouse: tables, schema, atomic writes, the lock, queries.

It knows nothing of stories or steps beyond the rows it is given."""
