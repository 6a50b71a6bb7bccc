"""Speech recognition: training steps/s through ModelPT + Trainer, and ``transcribe``.

Both use the small QuartzNet of ``examples/asr/conf/quartznet_small.yaml`` (its ``model``
section without data sets or learning-rate schedule; where the file is missing, a smaller one
built here from the module classes) on the bundled corpus (data/speech_commands). One torch
thread, so that other work on the machine disturbs both sides alike.

* Training: the same model, the same pre-built batches (16 utterances, the config's batch size)
  and the same optimizer (the config's, from ``setup_optimization``) through ``Trainer.fit`` and
  through a hand-written loop calling the model's own ``forward`` and ``loss`` modules,
  ``zero_grad``/``backward``/``step``. Steady state: the steps after warm-up, timed from one
  step's end to another's; the figure is the median of five paired runs.
* Transcribe: ``transcribe(files, batch_size=16)`` on the test split, against ``forward``
  alone on the same batches of the same audio, decoded beforehand, in evaluation mode without
  dither, as ``transcribe`` runs it.
"""

from __future__ import annotations

import importlib
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from _harness import ROOT, Context, Result, not_available

__all__ = ["bench_training", "bench_transcribe", "measure_training", "measure_transcribe"]

CORPUS = ROOT / "data" / "speech_commands"
SMALL_QUARTZNET = ROOT / "examples" / "asr" / "conf" / "quartznet_small.yaml"
LABELS = [" ", *"abcdefghijklmnopqrstuvwxyz", "'"]
BATCH_SIZE = 16


def model_config() -> dict[str, Any]:
    """The small QuartzNet's model config, without data sets and learning-rate schedule."""
    if not SMALL_QUARTZNET.is_file():
        return _built_config()
    from omegaconf import OmegaConf

    config: dict[str, Any] = OmegaConf.to_container(  # type: ignore[assignment]
        OmegaConf.load(SMALL_QUARTZNET).model, resolve=True
    )
    for key in ("train_ds", "validation_ds", "test_ds"):
        config.pop(key, None)
    config.get("optim", {}).pop("sched", None)
    return config


def _built_config() -> dict[str, Any]:
    def block(filters: int, kernel: int, stride: int = 1, residual: bool = True) -> dict[str, Any]:
        return {
            "filters": filters,
            "repeat": 1 if not residual else 2,
            "kernel": [kernel],
            "stride": [stride],
            "dilation": [1],
            "dropout": 0.0,
            "residual": residual,
            "separable": True,
        }

    return {
        "sample_rate": 16000,
        "labels": LABELS,
        "preprocessor": {
            "_target_": "nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor",
            "sample_rate": 16000,
            "features": 64,
            "window_size": 0.02,
            "window_stride": 0.01,
            "n_fft": 512,
            "dither": 1e-5,
        },
        "encoder": {
            "_target_": "nemo.collections.asr.modules.ConvASREncoder",
            "feat_in": 64,
            "activation": "relu",
            "jasper": [
                block(128, 33, stride=2, residual=False),
                block(128, 33),
                block(128, 39),
                block(128, 1, residual=False),
            ],
        },
        "decoder": {
            "_target_": "nemo.collections.asr.modules.ConvASRDecoder",
            "feat_in": 128,
            "num_classes": len(LABELS),
            "vocabulary": LABELS,
        },
        "optim": {"name": "adam", "lr": 1e-3},
    }


def _missing() -> str:
    """Why these benchmarks cannot run in this environment, or ""."""
    manifest = CORPUS / "test_manifest.json"
    if not manifest.is_file():
        return f"the bundled corpus is missing ({manifest})"
    try:
        importlib.import_module("nemo.collections.asr.models")
    except Exception as exc:
        return f"nemo.collections.asr.models does not import ({type(exc).__name__}: {exc})"
    return ""


def _manifest(split: str) -> list[dict[str, Any]]:
    path = CORPUS / f"{split}_manifest.json"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    for row in rows:
        row["audio_filepath"] = str(path.parent / row["audio_filepath"])
    return rows


def _read_audio(path: str) -> Any:
    import soundfile
    import torch

    samples, _ = soundfile.read(path, dtype="float32")
    return torch.from_numpy(samples)


def _pad(signals: list[Any]) -> tuple[Any, Any]:
    import torch

    lengths = torch.tensor([len(s) for s in signals])
    batch = torch.zeros(len(signals), int(lengths.max()))
    for row, signal in enumerate(signals):
        batch[row, : len(signal)] = signal
    return batch, lengths


def _training_batches(count: int, batch_size: int) -> list[tuple[Any, ...]]:
    import torch

    rows = _manifest("train")[: count * batch_size]
    batches = []
    for start in range(0, len(rows), batch_size):
        chunk = rows[start : start + batch_size]
        signal, signal_len = _pad([_read_audio(r["audio_filepath"]) for r in chunk])
        tokens = [[LABELS.index(c) for c in r["text"]] for r in chunk]
        transcript_len = torch.tensor([len(t) for t in tokens])
        transcript = torch.zeros(len(tokens), int(transcript_len.max()), dtype=torch.long)
        for row, token_ids in enumerate(tokens):
            transcript[row, : len(token_ids)] = torch.tensor(token_ids)
        batches.append((signal, signal_len, transcript, transcript_len))
    return batches


def _lightning(model_class: type) -> Any:
    """The Lightning package the model class is built on (NeMo 2+ uses ``lightning.pytorch``)."""
    module = next(c for c in model_class.__mro__ if c.__name__ == "LightningModule").__module__
    return importlib.import_module(module.split(".core")[0])


def _new_model() -> Any:
    import torch
    from omegaconf import OmegaConf

    from nemo.collections.asr.models import EncDecCTCModel

    torch.manual_seed(0)
    return EncDecCTCModel(cfg=OmegaConf.create(model_config()))


def measure_training(quick: bool, scratch: str) -> dict[str, Any]:
    import torch

    torch.set_num_threads(1)
    warmup, steps = (2, 6) if quick else (3, 20)
    batches = _training_batches(warmup + steps, batch_size=BATCH_SIZE)
    model = _new_model()
    pl = _lightning(type(model))

    class StepTimes(pl.Callback):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            self.times: list[float] = []

        def on_train_batch_end(self, *args: Any, **kwargs: Any) -> None:
            self.times.append(time.perf_counter())

    def rate(times: list[float]) -> float:
        return steps / (times[warmup + steps - 1] - times[warmup - 1])

    def through_trainer() -> float:
        timer = StepTimes()
        trainer = pl.Trainer(
            max_steps=warmup + steps,
            accelerator="cpu",
            devices=1,
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
            limit_val_batches=0,
            num_sanity_val_steps=0,
            callbacks=[timer],
        )
        model._train_dl = torch.utils.data.DataLoader(batches, batch_size=None)
        trainer.fit(model)
        return rate(timer.times)

    def by_hand() -> float:
        model.train()
        optimizer, _ = model.setup_optimization(model.cfg.optim)
        times = []
        for signal, signal_len, transcript, transcript_len in batches:
            log_probs, encoded_len, _ = model.forward(
                input_signal=signal, input_signal_length=signal_len
            )
            loss = model.loss(
                log_probs=log_probs,
                targets=transcript,
                input_lengths=encoded_len,
                target_lengths=transcript_len,
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            times.append(time.perf_counter())
        return rate(times)

    trainer_rates, hand_rates = [], []
    for _ in range(5):
        trainer_rates.append(through_trainer())
        hand_rates.append(by_hand())
    return {
        "trainer_steps_s": statistics.median(trainer_rates),
        "hand_steps_s": statistics.median(hand_rates),
        "ratio": statistics.median(t / h for t, h in zip(trainer_rates, hand_rates, strict=True)),
        "parameters": sum(p.numel() for p in model.parameters()),
        "optimizer": type(model.setup_optimization(model.cfg.optim)[0]).__name__,
        "config": "quartznet_small.yaml" if SMALL_QUARTZNET.is_file() else "built-in",
    }


def _transcribe_batches(files: list[str], lengths: list[int], batch_size: int) -> list[list[int]]:
    """The batches ``transcribe`` forms: ours sorts by length, NeMo keeps the input order."""
    try:
        from nemo.collections.asr.parts.utils import audio_inputs

        batches: list[list[int]] = audio_inputs.length_sorted_batches(lengths, batch_size)
        return batches
    except (ImportError, AttributeError):
        order = list(range(len(files)))
        return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def measure_transcribe(quick: bool, scratch: str) -> dict[str, Any]:
    import torch

    torch.set_num_threads(1)
    rows = _manifest("test")[: 64 if quick else None]
    files = [r["audio_filepath"] for r in rows]
    model = _new_model()
    model.eval()
    audio = [_read_audio(f) for f in files]
    batches = [
        _pad([audio[i] for i in batch])
        for batch in _transcribe_batches(files, [len(a) for a in audio], 16)
    ]
    featurizer = model.preprocessor.featurizer

    def forward_only() -> float:
        dither, pad_to = featurizer.dither, featurizer.pad_to
        featurizer.dither, featurizer.pad_to = 0.0, 0
        start = time.perf_counter()
        with torch.no_grad():
            for signal, lengths in batches:
                model.forward(input_signal=signal, input_signal_length=lengths)
        elapsed = time.perf_counter() - start
        featurizer.dither, featurizer.pad_to = dither, pad_to
        return elapsed

    def transcribe() -> float:
        start = time.perf_counter()
        texts = model.transcribe(files, batch_size=16)
        elapsed = time.perf_counter() - start
        assert len(texts) == len(files)
        return elapsed

    transcribe()  # warm-up: first-call allocations, file cache
    forward_only()
    forward_times, transcribe_times = [], []
    for _ in range(5):
        forward_times.append(forward_only())
        transcribe_times.append(transcribe())
    return {
        "forward_s": statistics.median(forward_times),
        "transcribe_s": statistics.median(transcribe_times),
        "ratio": statistics.median(
            f / t for f, t in zip(forward_times, transcribe_times, strict=True)
        ),
        "files": len(files),
        "audio_s": sum(r["duration"] for r in rows),
    }


def _ratio_bench(
    context: Context,
    key: str,
    measure: str,
    threshold: float,
    baseline: Callable[[dict[str, Any]], str],
    detail: Callable[[dict[str, Any]], str],
) -> list[Result]:
    """One row: ``measure_<key>`` in a worker (and in the peer), its ``ratio`` against a baseline
    it measured in the same process."""
    target = f"≥ {threshold}"
    problem = _missing_in_worker(context)
    if problem:
        return [not_available(key, measure, target, problem)]
    ours = context.worker(context.python, f"bench_asr:measure_{key}")
    peer, peer_detail = context.peer(f"bench_asr:measure_{key}")
    return [
        Result(
            key,
            measure,
            baseline(ours),
            ours["ratio"],
            "x baseline",
            target,
            ours["ratio"] >= threshold,
            detail=detail(ours),
            peer=None if peer is None else peer["ratio"],
            peer_detail=peer_detail,
        )
    ]


def bench_training(context: Context) -> list[Result]:
    return _ratio_bench(
        context,
        "training",
        "training steps/s of a small QuartzNet, ModelPT + Trainer",
        0.97,
        lambda ours: (
            f"hand-written loop, same modules and batches ({ours['hand_steps_s']:.2f} steps/s)"
        ),
        lambda ours: (
            f"{ours['trainer_steps_s']:.2f} steps/s; {ours['config']}, "
            f"{ours['parameters'] / 1e6:.2f} M parameters, batch {BATCH_SIZE}, "
            f"{ours['optimizer']}"
        ),
    )


def bench_transcribe(context: Context) -> list[Result]:
    return _ratio_bench(
        context,
        "transcribe",
        "`transcribe` of the bundled test split, batch 16",
        0.8,
        lambda ours: f"`forward` alone on the same batches ({ours['forward_s']:.2f} s)",
        lambda ours: (
            f"transcribe {ours['transcribe_s']:.2f} s for {ours['files']} files "
            f"({ours['audio_s']:.0f} s of audio)"
        ),
    )


def check_available(quick: bool, scratch: str) -> dict[str, Any]:
    return {"problem": _missing()}


def _missing_in_worker(context: Context) -> str:
    try:
        return str(context.worker(context.python, "bench_asr:check_available")["problem"])
    except RuntimeError as exc:
        return str(exc).strip().splitlines()[-1]
