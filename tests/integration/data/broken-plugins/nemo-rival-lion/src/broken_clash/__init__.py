"""Registers an optimizer name the example plugin registers too, without depending on it.

Neither plugin takes precedence (docs/plugin-authors.md, "Names and clashes"): the name is
contested, whichever distribution name sorts first.
"""

from nemo.core.plugins import hookimpl


@hookimpl
def nemo_register(registrar):
    registrar.optimizer("lion", "torch.optim:SGD")
    registrar.optimizer("clash_unique_sgd", "torch.optim:SGD")
