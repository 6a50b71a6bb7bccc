"""nemo-core: the contracts that every NeMo collection and plugin builds on.

Importing this package is cheap: torch, Lightning and Hydra are imported only when a name that
needs them is first used.
"""

from __future__ import annotations

from nemo.core._lazy import lazy_exports as lazy_exports
from nemo.utils._trainer_hooks import install_hook_caller

TYPE_CHECKING = False  # not typing's: importing nemo.core (every plugin does) stays cheap

__version__ = "0.1.0"

# name -> module that defines it, imported on first use.
_EXPORTS: dict[str, str] = {
    "hookimpl": "nemo.core.plugins",
    "Typing": "nemo.core.classes",
    "typecheck": "nemo.core.classes",
    "Serialization": "nemo.core.classes",
    "FileIO": "nemo.core.classes",
    "Model": "nemo.core.classes",
    "PretrainedModelInfo": "nemo.core.classes",
    "NeuralModule": "nemo.core.classes",
    "Loss": "nemo.core.classes",
    "Dataset": "nemo.core.classes",
    "IterableDataset": "nemo.core.classes",
    "ModelPT": "nemo.core.classes",
    "NeuralType": "nemo.core.neural_types",
    # for collections and plugins: the lazy module attributes nemo-core itself uses
    "lazy_exports": "nemo.core._lazy",
}

__all__ = ["__version__", *_EXPORTS]  # noqa: PLE0604 - the names are the table's keys

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)


def _plugin_hook_results(hook_name: str, **kwargs: object) -> list[object]:
    from nemo.core import plugins  # on the first hook call: discovery is not free

    return plugins.hook_results(hook_name, **kwargs)


install_hook_caller(_plugin_hook_results)  # exp_manager (nemo.utils) cannot import nemo.core

if TYPE_CHECKING:
    from nemo.core._lazy import lazy_exports as lazy_exports
    from nemo.core.classes import Dataset as Dataset
    from nemo.core.classes import FileIO as FileIO
    from nemo.core.classes import IterableDataset as IterableDataset
    from nemo.core.classes import Loss as Loss
    from nemo.core.classes import Model as Model
    from nemo.core.classes import ModelPT as ModelPT
    from nemo.core.classes import NeuralModule as NeuralModule
    from nemo.core.classes import PretrainedModelInfo as PretrainedModelInfo
    from nemo.core.classes import Serialization as Serialization
    from nemo.core.classes import Typing as Typing
    from nemo.core.classes import typecheck as typecheck
    from nemo.core.neural_types import NeuralType as NeuralType
    from nemo.core.plugins import hookimpl as hookimpl
