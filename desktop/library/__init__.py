"""The policy library: the sqlite database of documents and sections, and full-text search."""
