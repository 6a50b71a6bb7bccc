"""Hugging Face BERT checkpoints from local files: ``config.json`` and the weights.

Weights come as ``model.safetensors`` (read with the ``safetensors`` package, no code run) or
``pytorch_model.bin`` (``torch.load(weights_only=True)``). Keys of a task checkpoint
(``bert.`` prefix, ``cls.*`` heads) are mapped to the encoder's; what does not fit is an error
that names the keys, never a silently half-loaded model.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

__all__ = ["find_weights", "load_encoder_state", "read_config_file", "save_encoder_checkpoint"]

_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_HEAD_PREFIXES = ("cls.", "qa_outputs.", "classifier.")


def read_config_file(path: str | Path) -> dict[str, Any]:
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(
            f"config_file {str(file)!r} does not exist: give the config.json saved with the "
            "checkpoint (Hugging Face's save_pretrained writes one)"
        )
    try:
        values = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"config_file {str(file)!r} is not JSON ({exc})") from exc
    if not isinstance(values, dict):
        raise ValueError(f"config_file {str(file)!r} must hold a JSON object")
    return values


def find_weights(directory: Path) -> Path:
    for name in _WEIGHT_FILES:
        if (directory / name).is_file():
            return directory / name
    raise FileNotFoundError(
        f"{str(directory)!r} holds no weights: expected one of {', '.join(_WEIGHT_FILES)}"
    )


def _read_weights(path: Path) -> dict[str, torch.Tensor]:
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint_file {str(path)!r} does not exist")
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file

        try:
            return dict(load_file(str(path)))
        except Exception as exc:  # safetensors raises its own SafetensorError
            raise ValueError(f"{str(path)!r} is not a safetensors file ({exc})") from exc
    try:
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # unpickling errors come in many types
        raise ValueError(f"{str(path)!r} is not a PyTorch state dict ({exc})") from exc
    if isinstance(loaded, Mapping) and "state_dict" in loaded:
        loaded = loaded["state_dict"]
    if not isinstance(loaded, Mapping):
        raise ValueError(f"{str(path)!r} holds a {type(loaded).__name__}, not a state dict")
    return dict(loaded)


def load_encoder_state(module: torch.nn.Module, path: str | Path) -> None:
    """Load a BERT checkpoint's encoder weights into ``module``: every encoder key must be
    there with its shape; only the pooler may be absent."""
    file = Path(path)
    state = _read_weights(file)
    mapped: dict[str, torch.Tensor] = {}
    for key, value in state.items():
        name = key.removeprefix("bert.").removeprefix("model.")
        if name.startswith(_HEAD_PREFIXES) or name.endswith("position_ids"):
            continue  # task heads and buffers the encoder recomputes
        mapped[name] = value
    expected = module.state_dict()
    # a masked-LM checkpoint has no pooler: the pooler keeps its initialisation
    missing = sorted(k for k in set(expected) - set(mapped) if not k.startswith("pooler."))
    unexpected = sorted(set(mapped) - set(expected))
    if missing or unexpected:
        raise ValueError(
            f"{str(file)!r} is not a checkpoint of this BERT: "
            + (f"missing {_few(missing)}; " if missing else "")
            + (f"unexpected {_few(unexpected)}; " if unexpected else "")
            + "give the config.json that was saved with these weights"
        )
    for key, value in mapped.items():
        if tuple(value.shape) != tuple(expected[key].shape):
            raise ValueError(
                f"{str(file)!r}: {key} has shape {tuple(value.shape)}, the config makes "
                f"{tuple(expected[key].shape)}; the config.json does not belong to these weights"
            )
    module.load_state_dict(mapped, strict=False)  # every key but the pooler's was checked


def _few(keys: list[str]) -> str:
    shown = ", ".join(keys[:4])
    return shown + (f" and {len(keys) - 4} more" if len(keys) > 4 else "")


def save_encoder_checkpoint(
    encoder: Any, directory: str | Path, vocab_file: str | Path | None = None
) -> Path:
    """Write a ``BertEncoder`` as a Hugging Face BERT directory (config.json,
    model.safetensors and, given one, vocab.txt): what ``get_lm_model`` and ``transformers``
    load."""
    import dataclasses
    import shutil

    from safetensors.torch import save_file

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    config = {"model_type": "bert", "architectures": ["BertModel"]}
    config |= dataclasses.asdict(encoder.config)
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    state = {k: v.detach().contiguous() for k, v in encoder.state_dict().items()}
    save_file(state, str(out / "model.safetensors"))
    if vocab_file is not None:
        shutil.copyfile(vocab_file, out / "vocab.txt")
    return out
