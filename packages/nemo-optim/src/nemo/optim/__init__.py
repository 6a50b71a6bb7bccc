"""nemo-optim: optimizers and learning-rate schedulers, registered through the plugin system."""

__version__ = "0.1.0"
