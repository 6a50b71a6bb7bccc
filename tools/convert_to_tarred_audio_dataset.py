"""Convert a manifest and its audio into tar shards for ``is_tarred: true`` training.

    python tools/convert_to_tarred_audio_dataset.py \\
        --manifest_path data/speech_commands/train_manifest.json \\
        --target_dir /data/commands_tarred --num_shards 8 --shuffle --shuffle_seed 1

writes ``audio_0.tar`` ... ``audio_7.tar`` and ``tarred_audio_manifest.json`` and prints the
dataset config lines to use. The work is done by
``nemo.collections.asr.data.tarred_writer.create_tarred_dataset`` (see its docstring for how
shards are filled); this is its command line, with the options of NeMo's script of that name.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from nemo.collections.asr.data.tarred_writer import create_tarred_dataset


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest_path", required=True, help="the manifest to convert")
    parser.add_argument("--target_dir", required=True, help="where shards and manifest go")
    parser.add_argument("--num_shards", type=int, required=True, help="number of tar files")
    parser.add_argument("--shuffle", action="store_true", help="shuffle entries across shards")
    parser.add_argument("--shuffle_seed", type=int, default=0)
    parser.add_argument("--min_duration", type=float, default=None, help="seconds")
    parser.add_argument("--max_duration", type=float, default=None, help="seconds")
    parser.add_argument(
        "--keep_remainder",
        action="store_true",
        help="put the entries of an uneven split in the first shards (unequal shards)",
    )
    args = parser.parse_args(argv)
    try:
        summary = create_tarred_dataset(
            args.manifest_path,
            args.target_dir,
            args.num_shards,
            shuffle=args.shuffle,
            seed=args.shuffle_seed,
            min_duration=args.min_duration,
            max_duration=args.max_duration,
            keep_remainder=args.keep_remainder,
        )
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {summary.entries} entries into {len(summary.shards)} shards in {args.target_dir}")
    if summary.dropped:
        print(
            f"left out {summary.dropped} entries so that every shard holds as many "
            "(use --keep_remainder to keep them)"
        )
    print("dataset config:")
    print("  is_tarred: true")
    print(f"  tarred_audio_filepaths: {summary.tarred_audio_filepaths}")
    print(f"  manifest_filepath: {summary.manifest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
