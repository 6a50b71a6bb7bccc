"""Sub-networks and algorithms of the ASR modules: Jasper blocks, SpecAugment, CTC decoding."""
