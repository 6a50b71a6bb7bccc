"""Where ``model.load_state_dict`` puts each key, known before loading when nothing customises it.

With torch's own loading, ``state_dict[key]`` is copied into the parameter or persistent buffer
registered under ``key`` and nowhere else. Knowing that lets a restore read the archive's bytes
straight into those tensors, and prove that a tensor whose initialisation was skipped gets
overwritten. A model that overrides ``load_state_dict`` or a module's
``_load_from_state_dict``, registers a load pre-hook, or holds tensor subclasses may rename,
transform or skip keys: then nothing is assumed (:func:`load_targets` gives None), except for
the few overrides and hooks of torch (and torchmetrics) known to copy as torch does.
"""

from __future__ import annotations

from typing import Any

import torch

__all__ = ["load_targets"]

# (module, qualified name) of the _load_from_state_dict overrides that copy as torch's does:
# batch and instance norms only fill in or report the keys of old versions; torchmetrics'
# metrics take their own states (attributes, not registered tensors) out of the state dict.
# Named, not imported, so that checking a model never imports torchmetrics.
_PLAIN_LOADERS = frozenset(
    [
        ("torch.nn.modules.module", "Module._load_from_state_dict"),
        ("torch.nn.modules.batchnorm", "_NormBase._load_from_state_dict"),
        ("torch.nn.modules.instancenorm", "_InstanceNorm._load_from_state_dict"),
        ("torchmetrics.metric", "Metric._load_from_state_dict"),
    ]
)
# (module, qualified name) of the load pre-hooks that leave other keys alone: weight_norm's
# renames the keys an older torch wrote for it (weight_g, weight_v) to the ones it registers
_PLAIN_PRE_HOOKS = frozenset(
    [("torch.nn.utils.parametrizations", "weight_norm.<locals>._weight_norm_compat_hook")]
)
_PLAIN_TENSORS = (torch.Tensor, torch.nn.Parameter)


def load_targets(model: Any) -> dict[str, torch.Tensor] | None:
    """Key -> the tensor ``model.load_state_dict`` copies it into; None if loading is customised.

    Tied tensors appear under each of their keys, as loading visits them.
    """
    if not isinstance(model, torch.nn.Module):
        return None
    if type(model).load_state_dict is not torch.nn.Module.load_state_dict:
        return None
    if torch.__future__.get_swap_module_params_on_conversion():
        return None  # loading swaps tensors instead of copying into them
    targets: dict[str, torch.Tensor] = {}
    for prefix, module in model.named_modules(remove_duplicate=False):
        if not all(map(_plain_hook, module._load_state_dict_pre_hooks.values())):
            return None
        loader = type(module)._load_from_state_dict
        if (loader.__module__, loader.__qualname__) not in _PLAIN_LOADERS:
            return None
        dot = f"{prefix}." if prefix else ""
        buffers = (
            (name, buffer)
            for name, buffer in module._buffers.items()
            if name not in module._non_persistent_buffers_set
        )
        for name, tensor in [*module._parameters.items(), *buffers]:
            if tensor is None:
                continue
            if type(tensor) not in _PLAIN_TENSORS:
                return None  # a subclass (lazy parameters among them) may copy differently
            targets[dot + name] = tensor
    return targets


def _plain_hook(hook: Any) -> bool:
    function = getattr(hook, "hook", hook)  # torch wraps them
    name = (getattr(function, "__module__", None), getattr(function, "__qualname__", None))
    return name in _PLAIN_PRE_HOOKS
