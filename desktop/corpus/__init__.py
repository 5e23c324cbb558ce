"""Corpus ingestion: the seed texts repaired, split into documents and their structure."""
