"""Masked-language-model data from raw text."""
