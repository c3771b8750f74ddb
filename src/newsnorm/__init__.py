"""newsnorm: raw scraped news articles -> clean, English, queryable Parquet warehouse."""

__version__ = "0.1.0"
PIPELINE_VERSION = "1"
