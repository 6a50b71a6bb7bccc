"""Building blocks of the ASR modules: feature extraction, convolution blocks, decoding."""
