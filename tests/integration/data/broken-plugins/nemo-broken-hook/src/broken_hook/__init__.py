"""Its nemo_register raises after registering something."""

from nemo.core.plugins import hookimpl


@hookimpl
def nemo_register(registrar):
    registrar.optimizer("never_registered", "torch.optim:SGD")
    raise RuntimeError("broken on purpose")
