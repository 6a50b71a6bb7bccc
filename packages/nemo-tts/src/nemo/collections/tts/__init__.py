"""nemo-tts: in preparation; installs alongside nemo-core and registers nothing yet."""

__version__ = "0.1.0"
