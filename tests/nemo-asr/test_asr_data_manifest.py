"""Manifest parsing: NeMo's keys, path resolution, filtering, bad lines, compact storage."""

from __future__ import annotations

import json
import logging
import tracemalloc
from pathlib import Path

import pytest
from asr_data_helpers import write_manifest

from nemo.collections.asr.parts.preprocessing.manifest import ManifestError, read_manifest


def test_reads_nemo_keys_and_resolves_paths_against_the_manifest(tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "c.txt").write_text("from a\nfile\n")
    manifest = write_manifest(
        tmp_path / "sub" / "m.json",
        [
            {"audio_filepath": "a.wav", "duration": 1.5, "text": "hello", "speaker": "s1"},
            {"audio_filename": "/abs/b.wav", "duration": 2, "normalized_text": "legacy key"},
            {
                "audio_filepath": "~/c.flac",
                "duration": 0.5,
                "text_filepath": "../texts/c.txt",
                "offset": 0.25,
                "orig_sample_rate": 8000,
                "speaker": "s1",
            },
        ],
    )
    entries = read_manifest(manifest)
    assert len(entries) == 3
    first, second, third = entries
    assert first.audio_file == str(tmp_path / "sub" / "a.wav")
    assert (first.duration, first.text, first.offset, first.speaker) == (1.5, "hello", 0.0, "s1")
    assert first.orig_sr is None
    assert second.audio_file == "/abs/b.wav"
    assert second.text == "legacy key"
    assert third.audio_file == str(Path("~/c.flac").expanduser())
    assert (third.text, third.offset, third.orig_sr) == ("from afile", 0.25, 8000)
    assert entries.location(2) == (manifest, 3)
    assert entries.total_duration == 4.0
    assert list(entries.durations) == [1.5, 2.0, 0.5]
    assert entries[1:] == [second, third]


def test_text_wins_over_text_filepath_and_normalized_text(tmp_path: Path) -> None:
    manifest = write_manifest(
        tmp_path / "m.json",
        [{"audio_filepath": "a", "duration": 1, "text": "t", "normalized_text": "n"}],
    )
    assert read_manifest(manifest)[0].text == "t"


def test_relative_path_falls_back_to_the_working_directory_as_nemo_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "audio").mkdir()
    (tmp_path / "audio" / "x.wav").write_bytes(b"")
    manifest = write_manifest(
        tmp_path / "manifests" / "m.json",
        [{"audio_filepath": "audio/x.wav", "duration": 1, "text": "x"}],
    )
    monkeypatch.chdir(tmp_path)
    assert read_manifest(manifest)[0].audio_file == "audio/x.wav"  # only there it exists
    (tmp_path / "manifests" / "audio").mkdir()
    (tmp_path / "manifests" / "audio" / "x.wav").write_bytes(b"")
    assert read_manifest(manifest)[0].audio_file == str(tmp_path / "manifests" / "audio" / "x.wav")


def test_duration_filters_max_utts_and_several_manifests(tmp_path: Path) -> None:
    lines = [{"audio_filepath": f"{i}.wav", "duration": i * 0.5, "text": str(i)} for i in range(10)]
    first = write_manifest(tmp_path / "a.json", lines[:5])
    second = write_manifest(tmp_path / "b" / "b.json", lines[5:])
    entries = read_manifest(f"{first},{second}", min_duration=1.0, max_duration=4.0)
    assert [e.text for e in entries] == ["2", "3", "4", "5", "6", "7", "8"]
    assert entries[-1].audio_file == str(tmp_path / "b" / "8.wav")
    assert entries.location(6) == (second, 4)
    limited = read_manifest([first, second], min_duration=1.0, max_utts=4)
    assert [e.text for e in limited] == ["2", "3", "4", "5"]
    assert len(read_manifest(str(first), max_utts=None)) == 5


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"audio_filepath": "a", "duration": 1, "text": "x"', "not valid JSON"),
        ('["a", 1]', "expected a JSON object, got list"),
        ('{"duration": 1, "text": "x"}', "no 'audio_filepath'"),
        ('{"audio_filepath": 3, "duration": 1, "text": "x"}', "'audio_filepath' must be"),
        ('{"audio_filepath": "a", "text": "x"}', "no 'duration'"),
        ('{"audio_filepath": "a", "duration": "1.0", "text": "x"}', "'duration' must be"),
        ('{"audio_filepath": "a", "duration": -1, "text": "x"}', "'duration' must be"),
        ('{"audio_filepath": "a", "duration": NaN, "text": "x"}', "'duration' must be"),
        ('{"audio_filepath": "a", "duration": true, "text": "x"}', "'duration' must be"),
        ('{"audio_filepath": "a", "duration": 1}', "no transcript"),
        ('{"audio_filepath": "a", "duration": 1, "text": 5}', "the transcript must be a string"),
        ('{"audio_filepath": "a", "duration": 1, "text": "x", "offset": "0"}', "'offset' must"),
        ('{"audio_filepath": "a", "duration": 1, "text_filepath": "nope.txt"}', "cannot read"),
        ('{"audio_filepath": "a", "duration": 1, "text": "x"} {}', "not valid JSON"),
    ],
)
def test_a_bad_line_names_file_line_and_reason(tmp_path: Path, line: str, reason: str) -> None:
    good = '{"audio_filepath": "a", "duration": 1, "text": "x"}'
    manifest = write_manifest(tmp_path / "m.json", [good, "", good, line, good])
    with pytest.raises(ManifestError, match=reason) as caught:
        read_manifest(manifest)
    assert str(caught.value).startswith(f"{manifest}:4: ")
    assert "skip_bad_lines" in str(caught.value)
    assert (caught.value.path, caught.value.line) == (str(manifest), 4)


def test_skip_bad_lines_skips_and_warns_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good = {"audio_filepath": "a", "duration": 1, "text": "x"}
    manifest = write_manifest(
        tmp_path / "m.json", [good, "{oops", good, '{"audio_filepath": "b"}', "  ", good]
    )
    with caplog.at_level(logging.WARNING, logger="nemo"):
        entries = read_manifest(manifest, skip_bad_lines=True)
    assert len(entries) == 3
    assert [entries.location(i)[1] for i in range(3)] == [1, 3, 6]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "skipped 2 bad manifest line(s)" in warnings[0].getMessage()
    assert f"{manifest}:2:" in warnings[0].getMessage()


def test_leading_whitespace_and_crlf_lines_are_fine(tmp_path: Path) -> None:
    manifest = tmp_path / "m.json"
    manifest.write_bytes(
        b'  {"audio_filepath": "a", "duration": 1, "text": "x"}\r\n'
        b'{"audio_filepath": "b", "duration": 2, "text": "y"}  \r\n'
    )
    assert [e.text for e in read_manifest(manifest)] == ["x", "y"]


def test_missing_manifest_and_text_optional_for_noise_manifests(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope.json"):
        read_manifest(tmp_path / "nope.json")
    noise = write_manifest(tmp_path / "n.json", [{"audio_filepath": "n.wav", "duration": 3}])
    with pytest.raises(ManifestError, match="no transcript"):
        read_manifest(noise)
    assert read_manifest(noise, require_text=False)[0].text == ""


def test_storage_is_compact(tmp_path: Path) -> None:
    count = 20000
    manifest = tmp_path / "big.json"
    with manifest.open("w") as handle:
        for i in range(count):
            line = {"audio_filepath": f"a/{i}.wav", "duration": 1.0 + i % 7, "text": f"t {i}"}
            handle.write(json.dumps({**line, "speaker": f"spk{i % 10}"}) + "\n")
    tracemalloc.start()
    try:
        entries = read_manifest(manifest)
        used, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    strings = sum(s.__sizeof__() for s in entries._audio) + sum(
        s.__sizeof__() for s in entries._text
    )
    assert len(entries) == count
    assert (used - strings) / count <= 200
    assert entries[5].speaker is entries[15].speaker  # one object per speaker name
