"""Installed distributions' plugin entry points and the metadata discovery needs, read fast.

Discovery runs at every ``nemo`` start, for every plugin distribution installed, so it avoids
the expensive paths. In the common layout, every ``sys.path`` entry a plain directory and the
standard path finder the only one that finds distributions, the ``*.dist-info`` /
``*.egg-info`` directories are scanned here, in exactly the order, with exactly the shadowing
(first distribution of a normalised name on ``sys.path`` wins) and the ``entry_points.txt``
syntax of ``importlib.metadata`` (whose import alone, with its e-mail parser, costs more than
this whole scan). Anything else (a zip or ``.egg`` on ``sys.path``, a finder that provides
distributions of its own such as the ``importlib_metadata`` back-port's, an unusual file or
entry-point value) is left to ``importlib.metadata`` itself, so the result never differs.

The ``METADATA`` header is scanned once per distribution (no e-mail parser), and a
``nemo-core`` requirement is checked with plain version tuples when it is the usual
``>=X,<Y`` form; only unusual requirements (markers, pre-releases, wildcards) pay for
importing ``packaging``.
"""

from __future__ import annotations

# os.path and open() rather than pathlib: pathlib's import alone is a fifth of the start-up
# budget this module serves.
# ruff: noqa: PTH110, PTH118, PTH119, PTH123, PTH208
import os
import sys

TYPE_CHECKING = False  # not typing's: this module is on the start-up path of every `nemo`
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

__all__ = [
    "DistributionInfo",
    "canonical_name",
    "core_requirement_problem",
    "plugin_entry_points",
    "split_requirement",
]

_CORE = "nemo-core"
_INFO_SUFFIXES = (".dist-info", ".egg-info")
_OPERATORS = ("~=", "==", "!=", "<=", ">=", "<", ">")  # two-character ones first
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
_SPEC_CHARS = frozenset("0123456789.,<>=!~ ")
# What ``importlib.metadata``'s PathDistribution.read_text treats as "no such file".
_MISSING = (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError)


def canonical_name(name: str) -> str:
    """PEP 503 normalisation: runs of ``-_.`` become one ``-``, lower case."""
    return _collapse(name.lower(), "-")


def _collapse(name: str, separator: str) -> str:
    for char in "-_.":
        if char != separator:
            name = name.replace(char, separator)
    double = separator * 2
    while double in name:
        name = name.replace(double, separator)
    return name


class DistributionInfo:
    """A distribution's name, version, ``nemo-core`` requirement lines and what it requires.

    ``requires`` holds the canonical names of the distributions it always requires (not those
    of its extras): plugin precedence follows them (:mod:`._precedence`).
    """

    __slots__ = ("core_requirements", "name", "requires", "version")

    def __init__(
        self,
        name: str,
        version: str,
        core_requirements: tuple[str, ...],
        requires: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.version = version
        self.core_requirements = core_requirements
        self.requires = requires

    def _values(self) -> tuple[object, ...]:
        return (self.name, self.version, self.core_requirements, self.requires)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DistributionInfo):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return "DistributionInfo(" + ", ".join(repr(value) for value in self._values()) + ")"


_UNKNOWN = DistributionInfo("<unknown distribution>", "?", ())


def parse_info(text: str) -> DistributionInfo:
    """Name, version, requirements, from one scan of the header."""
    name, version, core, requires = "<unknown distribution>", "?", [], []
    for line in text.splitlines():
        if not line:
            break  # the body (long description) follows the first blank line
        key, _, value = line.partition(":")
        value = value.strip()
        if key == "Name":
            name = value
        elif key == "Version":
            version = value
        elif key == "Requires-Dist":
            required = canonical_name(_requirement_name(value))
            if required.startswith(_CORE):
                core.append(value)
            if "extra" not in value.partition(";")[2]:
                requires.append(required)
    return DistributionInfo(name, version, tuple(core), tuple(requires))


def _requirement_name(line: str) -> str:
    end = 0
    while end < len(line) and line[end] in _NAME_CHARS:
        end += 1
    return line[:end]


class EntryPoint:
    """An entry point found by the fast scan: what ``importlib.metadata.EntryPoint`` offers
    discovery (``name``, ``value``, ``group``, ``load()``), for values of the plain
    ``module`` / ``module:attr.attr`` form only."""

    __slots__ = ("group", "name", "value")

    def __init__(self, name: str, value: str, group: str) -> None:
        self.name = name
        self.value = value
        self.group = group

    def load(self) -> Any:
        """Import the module and walk the attribute path, as ``importlib.metadata`` does."""
        from importlib import import_module

        module_name, _, attrs = self.value.partition(":")
        obj = import_module(module_name.strip())
        for attr in attrs.strip().split("."):
            if attr:
                obj = getattr(obj, attr)
        return obj

    def __repr__(self) -> str:
        return f"EntryPoint(name={self.name!r}, value={self.value!r}, group={self.group!r})"


def plugin_entry_points(group: str) -> list[tuple[Any, DistributionInfo]]:
    """Entry points of ``group`` with their distributions' info, sorted by distribution name."""
    found = _scan_sys_path(group)
    if found is None:
        found = _scan_with_importlib_metadata(group)
    return sorted(found, key=lambda pair: (canonical_name(pair[1].name), pair[0].name))


def _scan_with_importlib_metadata(group: str) -> list[tuple[Any, DistributionInfo]]:
    from importlib.metadata import entry_points

    infos: dict[int, DistributionInfo] = {}
    found = []
    for entry_point in entry_points(group=group):
        dist = entry_point.dist
        if dist is None:
            info = _UNKNOWN
        elif id(dist) in infos:
            info = infos[id(dist)]
        else:
            text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
            info = infos[id(dist)] = parse_info(text)
        found.append((entry_point, info))
    return found


class _Unusual(Exception):
    """Something the fast scan does not reproduce: ask ``importlib.metadata``."""


def _scan_sys_path(group: str) -> list[tuple[Any, DistributionInfo]] | None:
    """The fast scan, or ``None`` where only ``importlib.metadata`` can answer exactly."""
    if not _only_the_path_finder_finds_distributions():
        return None
    try:
        found: list[tuple[Any, DistributionInfo]] = []
        seen: set[str] = set()
        for entry in list(sys.path):
            for normalized, info_dir in _info_dirs(entry):
                if normalized in seen:
                    continue  # shadowed by a distribution earlier on sys.path
                seen.add(normalized)
                text = _read(info_dir, "entry_points.txt")
                points = [
                    EntryPoint(name, value, section)
                    for section, name, value in _entry_point_lines(text)
                    if section == group
                ]
                if not all(_plain_reference(point.value) for point in points):
                    raise _Unusual(info_dir)  # e.g. extras: importlib.metadata parses them
                if points:
                    metadata = _read(info_dir, "METADATA") or _read(info_dir, "PKG-INFO") or ""
                    info = parse_info(metadata)
                    found.extend((point, info) for point in points)
        return found
    except _Unusual:
        return None


def _only_the_path_finder_finds_distributions() -> bool:
    from importlib.machinery import PathFinder

    return PathFinder in sys.meta_path and all(
        finder is PathFinder or getattr(finder, "find_distributions", None) is None
        for finder in sys.meta_path
    )


def _info_dirs(entry: object) -> Iterable[tuple[str, str]]:
    """``(normalised name, path)`` of the metadata directories in one ``sys.path`` entry, in
    ``importlib.metadata``'s order: grouped by name in first-seen order, ``os.listdir`` order
    within a group."""
    if not isinstance(entry, str) or os.path.basename(entry).lower().endswith(".egg"):
        raise _Unusual(entry)
    root = entry or "."
    try:
        children = os.listdir(root)
    except OSError:
        if os.path.exists(root):
            raise _Unusual(entry) from None  # a zip file, or a directory we cannot list
        return ()
    groups: dict[str, list[str]] = {}
    for child in children:
        if not child.lower().endswith(_INFO_SUFFIXES):
            continue
        stem, _, suffix = child.rpartition(".")
        if "." + suffix not in _INFO_SUFFIXES:
            raise _Unusual(child)  # e.g. "FOO.DIST-INFO": named from its METADATA instead
        normalized = _collapse(stem.partition("-")[0].lower(), "_")
        if not normalized:
            raise _Unusual(child)
        groups.setdefault(normalized, []).append(os.path.join(entry, child))
    return [(name, path) for name, paths in groups.items() for path in paths]


def _read(info_dir: str, filename: str) -> str | None:
    try:
        with open(os.path.join(info_dir, filename), encoding="utf-8") as stream:
            return stream.read()
    except _MISSING:
        return None
    except (OSError, ValueError) as exc:  # unreadable, undecodable: importlib decides
        raise _Unusual(info_dir) from exc


def _entry_point_lines(text: str | None) -> Iterable[tuple[str, str, str]]:
    """``(group, name, value)`` of an ``entry_points.txt``, parsed as ``importlib.metadata``
    parses it (a line without ``=`` makes it raise: left to it)."""
    section: str | None = None
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
            continue
        if section is None:
            continue
        name, equals, value = line.partition("=")
        if not equals:
            raise _Unusual(line)
        yield section, name.strip(), value.strip()


def _plain_reference(value: str) -> bool:
    """``module`` or ``module:attr``, ASCII word characters and dots, no extras."""
    module, colon, attrs = value.partition(":")
    return all(
        part and part.isascii() and part.replace(".", "").replace("_", "a").isalnum()
        for part in (module.rstrip(), *((attrs.strip(),) if colon else ()))
    )


def core_requirement_problem(info: DistributionInfo, core_version: str) -> str | None:
    """Why the distribution's ``nemo-core`` requirement rules out ``core_version``, if it does."""
    for line in info.core_requirements:
        key = (line, core_version)
        if key not in _LINE_PROBLEMS:  # plugins mostly share a line: each is judged once
            _LINE_PROBLEMS[key] = _line_problem(line, core_version)
        if _LINE_PROBLEMS[key] is not None:
            return _LINE_PROBLEMS[key]
    return None


_LINE_PROBLEMS: dict[tuple[str, str], str | None] = {}


def _line_problem(line: str, core_version: str) -> str | None:
    simple = _simple_requirement(line)
    if simple is None:
        name, specifier, marker = split_requirement(line)
    else:
        (name, specifier), marker = simple, ""
    if canonical_name(name) != _CORE:
        return None  # e.g. "nemo-core-extras"
    simple_ok = not marker and _simple_contains(specifier, core_version)
    if not simple_ok and not _full_contains(line, core_version):
        return (
            f"requires nemo-core{specifier.replace(' ', '')}, but nemo-core "
            f"{core_version} is installed"
        )
    return None


def _simple_requirement(line: str) -> tuple[str, str] | None:
    """``name`` and specifier of ``name>=1,<2``-style lines (no extras, markers, parentheses)."""
    line = line.strip()
    name = _requirement_name(line)
    specifier = line[len(name) :]
    if not name or not name[0].isalnum() or not set(specifier) <= _SPEC_CHARS:
        return None
    return name, specifier.strip()


def split_requirement(line: str) -> tuple[str, str, str]:
    """``(name, specifier, marker)`` of a ``Requires-Dist`` line, without importing packaging."""
    import re

    requirement, _, marker = line.partition(";")
    match = re.match(
        r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*\(?([^)]*)\)?", requirement
    )
    if match is None:
        return requirement.strip(), "", marker.strip()
    return match.group(1), match.group(3).strip(), marker.strip()


def _release(version: str) -> tuple[int, ...] | None:
    """``1.2.0`` → ``(1, 2)``; ``None`` for anything but a plain release number."""
    parts = version.split(".")
    if not all(part.isdigit() and part.isascii() for part in parts):
        return None
    numbers = [int(p) for p in parts]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def _simple_contains(specifier: str, version: str) -> bool:
    """Plain release versions and operators only; False means "ask packaging"."""
    have = _release(version)
    if have is None:
        return False
    for clause in filter(None, (c.strip() for c in specifier.split(","))):
        op = next((o for o in _OPERATORS if clause.startswith(o)), None)
        if op is None:
            return False
        raw = clause[len(op) :].strip()
        want = _release(raw)
        if want is None:
            return False
        ok = {
            "==": have == want,
            "!=": have != want,
            ">=": have >= want,
            "<=": have <= want,
            ">": have > want,
            "<": have < want,
            "~=": have >= want
            and have[: len(raw.split(".")) - 1] == want[: len(raw.split(".")) - 1],
        }[op]
        if not ok:
            return False
    return True


def _full_contains(line: str, version: str) -> bool:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(line)
    except InvalidRequirement:
        return True  # not ours to police: pip already accepted the distribution
    if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
        return True
    return requirement.specifier.contains(version, prereleases=True)
