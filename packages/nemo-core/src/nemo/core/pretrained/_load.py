"""One way for every command and pipeline to turn a name or a path into a model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["load_model"]


def load_model(name_or_path: str | Path | Any, map_location: Any = "cpu") -> Any:
    """A model object as it is, a ``.nemo`` file restored as the class its config names, or a
    registered pretrained name (`nemo list pretrained`)."""
    if not isinstance(name_or_path, str | Path):
        return name_or_path
    from nemo.core.classes import ModelPT
    from nemo.core.pretrained._errors import PretrainedModelNotFoundError

    path = Path(name_or_path).expanduser()
    if path.suffix == ".nemo" or path.exists():
        if not path.is_file():
            raise FileNotFoundError(f"{str(path)!r} does not exist: give a .nemo file or a name")
        return ModelPT.restore_from(path, map_location=map_location)
    try:
        return ModelPT.from_pretrained(str(name_or_path), map_location=map_location)
    except PretrainedModelNotFoundError as exc:
        raise FileNotFoundError(
            f"{str(name_or_path)!r} is neither an existing .nemo file nor a registered "
            f"pretrained model ({exc}); `nemo list pretrained` lists the names"
        ) from exc
