"""Registers an optimizer name the example plugin already holds.

Plugins load in order of distribution name, so nemo-example-plugin holds the name first.
"""

from nemo.core.plugins import hookimpl


@hookimpl
def nemo_register(registrar):
    registrar.optimizer("lion", "torch.optim:SGD")
    registrar.optimizer("clash_unique_sgd", "torch.optim:SGD")
