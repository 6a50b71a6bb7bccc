"""Data sets of the NLP models."""
