"""Fast reads of installed distributions' metadata for plugin discovery.

Discovery runs at every ``nemo`` start, for every plugin distribution installed, so it avoids
the expensive paths: the ``METADATA`` header is scanned once per distribution (no email parser,
no repeated reads), and a ``nemo-core`` requirement is checked with plain version tuples when it
is the usual ``>=X,<Y`` form; only unusual requirements (markers, pre-releases, wildcards) pay
for importing ``packaging``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["DistributionInfo", "core_requirement_problem", "plugin_entry_points"]

_CORE = "nemo-core"
_CLAUSE = re.compile(r"^\s*(~=|==|!=|<=|>=|<|>)\s*(\d+(?:\.\d+)*)\s*$")
_RELEASE = re.compile(r"^\d+(?:\.\d+)*$")


def canonical_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class DistributionInfo:
    name: str
    version: str
    core_requirements: tuple[str, ...]


def read_info(dist: Any) -> DistributionInfo:
    """Name, version and ``nemo-core`` requirement lines, from one scan of the header."""
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    name, version, core = "<unknown distribution>", "?", []
    for line in text.splitlines():
        if not line:
            break  # the body (long description) follows the first blank line
        key, _, value = line.partition(":")
        value = value.strip()
        if key == "Name":
            name = value
        elif key == "Version":
            version = value
        elif key == "Requires-Dist" and canonical_name(value).startswith(_CORE):
            core.append(value)
    return DistributionInfo(name, version, tuple(core))


def plugin_entry_points(group: str) -> list[tuple[Any, DistributionInfo]]:
    """Entry points of ``group`` with their distributions' info, sorted by distribution name."""
    from importlib.metadata import entry_points

    infos: dict[int, DistributionInfo] = {}
    found = []
    for entry_point in entry_points(group=group):
        dist = entry_point.dist
        if dist is None:
            info = DistributionInfo("<unknown distribution>", "?", ())
        else:
            info = infos.setdefault(id(dist), read_info(dist))
        found.append((entry_point, info))
    return sorted(found, key=lambda pair: (canonical_name(pair[1].name), pair[0].name))


def core_requirement_problem(info: DistributionInfo, core_version: str) -> str | None:
    """Why the distribution's ``nemo-core`` requirement rules out ``core_version``, if it does."""
    for line in info.core_requirements:
        name, specifier, marker = _split_requirement(line)
        if canonical_name(name) != _CORE:
            continue  # e.g. "nemo-core-extras"
        if marker or not _simple_contains(specifier, core_version):
            if not _full_contains(line, core_version):
                return (
                    f"requires nemo-core{specifier.replace(' ', '')}, but nemo-core "
                    f"{core_version} is installed"
                )
    return None


def _split_requirement(line: str) -> tuple[str, str, str]:
    requirement, _, marker = line.partition(";")
    match = re.match(
        r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*\(?([^)]*)\)?", requirement
    )
    if match is None:
        return requirement.strip(), "", marker.strip()
    return match.group(1), match.group(3).strip(), marker.strip()


def _release(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in version.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _simple_contains(specifier: str, version: str) -> bool:
    """Plain release versions and operators only; False means "ask packaging"."""
    if not _RELEASE.match(version):
        return False
    have = _release(version)
    for clause in filter(None, (c.strip() for c in specifier.split(","))):
        match = _CLAUSE.match(clause)
        if match is None:
            return False
        op, raw = match.groups()
        want = _release(raw)
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
