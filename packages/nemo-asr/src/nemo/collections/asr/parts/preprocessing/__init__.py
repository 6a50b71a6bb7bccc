"""Audio feature extraction (log-mel filterbanks) in plain torch."""
