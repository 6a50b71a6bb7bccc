"""NeMo's base classes: typed modules, losses, data sets and models.

Names are imported on first use, so ``from nemo.core.classes import typecheck`` does not import
torch or Lightning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemo.core._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "Typing": "nemo.core.classes.common",
    "typecheck": "nemo.core.classes.common",
    "is_typecheck_enabled": "nemo.core.classes.common",
    "Serialization": "nemo.core.classes.common",
    "FileIO": "nemo.core.classes.common",
    "Model": "nemo.core.classes.common",
    "PretrainedModelInfo": "nemo.core.pretrained",
    "NeuralModule": "nemo.core.classes.module",
    "Loss": "nemo.core.classes.loss",
    "Dataset": "nemo.core.classes.dataset",
    "IterableDataset": "nemo.core.classes.dataset",
    "DatasetConfig": "nemo.core.classes.dataset",
    "ModelPT": "nemo.core.classes.modelPT",
    "ArtifactItem": "nemo.core.classes._artifacts",
    "ArtifactPathType": "nemo.core.classes._artifacts",
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from nemo.core.classes._artifacts import ArtifactItem as ArtifactItem
    from nemo.core.classes._artifacts import ArtifactPathType as ArtifactPathType
    from nemo.core.classes.common import FileIO as FileIO
    from nemo.core.classes.common import Model as Model
    from nemo.core.classes.common import Serialization as Serialization
    from nemo.core.classes.common import Typing as Typing
    from nemo.core.classes.common import is_typecheck_enabled as is_typecheck_enabled
    from nemo.core.classes.common import typecheck as typecheck
    from nemo.core.classes.dataset import Dataset as Dataset
    from nemo.core.classes.dataset import DatasetConfig as DatasetConfig
    from nemo.core.classes.dataset import IterableDataset as IterableDataset
    from nemo.core.classes.loss import Loss as Loss
    from nemo.core.classes.modelPT import ModelPT as ModelPT
    from nemo.core.classes.module import NeuralModule as NeuralModule
    from nemo.core.pretrained import PretrainedModelInfo as PretrainedModelInfo
