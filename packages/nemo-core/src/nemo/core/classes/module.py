"""NeuralModule: a ``torch.nn.Module`` with neural types, a config and freezing helpers."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch

from nemo.core.classes.common import FileIO, Serialization, Typing

__all__ = ["NeuralModule"]

# Values a captured constructor argument may hold and still be written to a YAML config.
_PLAIN = (str, int, float, bool, type(None))


class NeuralModule(torch.nn.Module, Typing, Serialization, FileIO):
    """Base of every module of a NeMo model (preprocessors, encoders, decoders, ...).

    A module built in Python remembers its constructor arguments, so ``to_config_dict()`` works
    whether it was built from a config or not (as long as the arguments are plain values).
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            cls.__init__ = _capturing_init(cls.__init__)  # type: ignore[method-assign]

    @property
    def num_weights(self) -> int:
        """The number of trainable parameters."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)

    def input_example(self, max_batch: int | None = None, max_dim: int | None = None) -> Any:
        """An example input for export and tracing; modules that support it override this."""
        return None

    def freeze(self) -> None:
        """Stop training this module: no gradients for its parameters, evaluation mode."""
        for param in self.parameters():
            param.requires_grad = False
        self.eval()

    def unfreeze(self) -> None:
        """Train this module again: gradients for every parameter, training mode."""
        for param in self.parameters():
            param.requires_grad = True
        self.train()

    @contextmanager
    def as_frozen(self) -> Iterator[None]:
        """Freeze for a block, then restore each parameter's and submodule's previous state.

        Fix of a NeMo quirk: NeMo unfroze everything on exit, so a module that was partly
        frozen before (e.g. a frozen encoder under a trainable decoder) lost that state.
        """
        grads = [(param, param.requires_grad) for param in self.parameters()]
        modes = [(module, module.training) for module in self.modules()]
        self.freeze()
        try:
            yield
        finally:
            for param, requires_grad in grads:
                param.requires_grad = requires_grad
            for module, training in modes:
                module.training = training

    def _captured_config(self) -> Any:
        captured = self.__dict__.get("_init_config")
        if captured is None:
            return None
        from omegaconf import OmegaConf

        target = f"{type(self).__module__}.{type(self).__qualname__}"
        return OmegaConf.create({"_target_": target, **captured})


def _capturing_init(init: Any) -> Any:
    signature = inspect.signature(init)

    @functools.wraps(init)
    def __init__(self: NeuralModule, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        if type(self).__init__ is not __init__ or "_init_config" in self.__dict__:
            return  # a subclass's constructor records its own, outermost arguments
        try:
            bound = signature.bind(self, *args, **kwargs)
        except TypeError:
            return
        arguments = dict(bound.arguments)
        arguments.pop(next(iter(signature.parameters)))  # self
        for name, parameter in signature.parameters.items():
            if parameter.kind is inspect.Parameter.VAR_KEYWORD and name in arguments:
                arguments.update(arguments.pop(name))
            elif parameter.kind is inspect.Parameter.VAR_POSITIONAL:
                arguments.pop(name, None)
        if all(_is_plain(value) for value in arguments.values()):
            object.__setattr__(self, "_init_config", arguments)

    return __init__


def _is_plain(value: Any) -> bool:
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    from omegaconf import DictConfig, ListConfig

    return isinstance(value, (DictConfig, ListConfig))
