"""Small data structures shared by the ASR decoders and metrics."""
