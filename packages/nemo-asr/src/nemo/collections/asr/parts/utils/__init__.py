"""Helpers of the ASR models: decoding results (Hypothesis), transcribe's audio inputs."""
