"""Sub-networks and algorithms shared by the ASR modules (Jasper blocks, SpecAugment, CTC decoding)."""
