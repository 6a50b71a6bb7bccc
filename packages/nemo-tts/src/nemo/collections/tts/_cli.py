"""``nemo synthesize``: text to audio files from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["synthesize_command"]


def synthesize_command(args: argparse.Namespace) -> int:
    import soundfile as sf

    from nemo.collections.tts._synthesize import synthesize
    from nemo.core.pretrained import load_model

    try:
        texts = _texts(args)
        generator = load_model(args.model)
        vocoder = load_model(args.vocoder)
        for model, method, flag in (
            (generator, "generate_spectrogram", "--model"),
            (vocoder, "convert_spectrogram_to_audio", "--vocoder"),
        ):
            if not callable(getattr(model, method, None)):
                raise ValueError(
                    f"{flag} {type(model).__name__} has no {method}(): give a spectrogram "
                    "generator for --model and a vocoder for --vocoder"
                )
        waveforms = synthesize(texts, generator, vocoder)
    except (OSError, ValueError, TypeError) as exc:
        print(f"nemo synthesize: {exc}", file=sys.stderr)
        return 1
    outputs = _outputs(Path(args.output), len(texts))
    for path, audio in zip(outputs, waveforms, strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(path, audio, generator.mel.sample_rate)
        print(f"{path}\t{len(audio) / generator.mel.sample_rate:.2f} s")
    return 0


def _texts(args: argparse.Namespace) -> list[str]:
    texts = list(args.text or [])
    if args.file:
        lines = Path(args.file).read_text(encoding="utf-8").splitlines()
        texts += [line for line in lines if line.strip()]
    if not texts:
        raise ValueError("nothing to synthesize: give TEXT arguments or --file with lines")
    return texts


def _outputs(output: Path, count: int) -> list[Path]:
    """One file: ``-o out.wav``; several: ``-o folder`` gets ``0000.wav``, ``0001.wav``, ..."""
    if count == 1 and output.suffix:
        return [output]
    if output.suffix:
        stem = output.with_suffix("")
        return [stem.parent / f"{stem.name}_{i:04d}{output.suffix}" for i in range(count)]
    return [output / f"{i:04d}.wav" for i in range(count)]
