"""Who keeps a name that two plugins register: decided by dependencies, never by names.

The rule, stated once for plugin authors (docs/plugin-authors.md repeats it):

* A plugin that **depends on** another (its distribution requires the other's, directly or
  through others; every plugin depends on nemo-core) builds on it: it may replace one of the
  other's names only by registering it with ``override=True``; without it, the name stays with
  the plugin depended on.
* Between plugins **independent** of each other, the one that registered with ``override=True``
  wins over one that did not. If both or neither did, nobody wins: the name is *contested*,
  and looking it up raises an error naming both plugins and the fix.

Every outcome but a first registration is reported, naming the plugin that lost and the one
that kept or took the name. Load order (and so distribution names) plays no part.
"""

from __future__ import annotations

from nemo.core.plugins._distributions import canonical_name

TYPE_CHECKING = False  # not typing's: discovery must not import typing
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from nemo.core.plugins._registry import Registration

__all__ = ["CONTEST", "KEEP", "REPLACE", "Claim", "Dependencies", "outcome_message", "settle"]

KEEP = "keep"
REPLACE = "replace"
CONTEST = "contest"


class Claim:
    """One registration as the plugin made it: with its ``override`` flag."""

    __slots__ = ("override", "registration")

    def __init__(self, registration: Registration, override: bool) -> None:
        self.registration = registration
        self.override = override

    @property
    def provider(self) -> str:
        return self.registration.provider


class Dependencies:
    """Which plugin distributions require which, by canonical name; nemo-core under all.

    Built from the ``Requires-Dist`` lines of the installed plugin distributions, so a chain
    through a distribution that registers no plugin is not followed.
    """

    def __init__(self, core: str, requires: Mapping[str, Iterable[str]]) -> None:
        self._core = core
        self._requires = {name: frozenset(deps) for name, deps in requires.items()}
        self._closure: dict[str, frozenset[str]] = {}

    def depends_on(self, dependent: str, dependency: str) -> bool:
        """Whether ``dependent`` requires ``dependency``, directly or through other plugins."""
        dependent, dependency = canonical_name(dependent), canonical_name(dependency)
        if dependent == dependency:
            return False
        return dependency == self._core or dependency in self._all_required(dependent)

    def order(self, names: Iterable[str]) -> list[str]:
        """``names`` (canonical, sorted) with every distribution after those it requires.

        Depth first, in name order: linear in the plugins and their requirements, so a hundred
        plugins cost nothing noticeable; a requirement cycle is broken where it is met.
        """
        names = list(names)
        wanted = set(names)
        placed: list[str] = []
        done: set[str] = set()

        def place(name: str, active: set[str]) -> None:
            if name in done or name in active:
                return
            active.add(name)
            for dependency in sorted(self._all_required(name) & wanted):
                place(dependency, active)
            active.discard(name)
            done.add(name)
            placed.append(name)

        for name in names:
            place(name, set())
        return placed

    def _all_required(self, name: str) -> frozenset[str]:
        if name not in self._closure:
            self._closure[name] = frozenset()  # a cycle ends here
            seen: set[str] = set()
            stack = list(self._requires.get(name, ()))
            while stack:
                dep = stack.pop()
                if dep not in seen and dep != name:
                    seen.add(dep)
                    stack.extend(self._requires.get(dep, ()))
            self._closure[name] = frozenset(seen)
        return self._closure[name]


def settle(held: Claim, incoming: Claim, depends_on: Callable[[str, str], bool]) -> str:
    """:data:`KEEP` the held claim, :data:`REPLACE` it by the incoming one, or :data:`CONTEST`.

    ``depends_on(a, b)`` tells whether distribution ``a`` requires ``b`` (transitively).
    """
    if incoming.provider == held.provider:  # a plugin registering one name twice
        return REPLACE if incoming.override else KEEP
    if depends_on(incoming.provider, held.provider):
        return REPLACE if incoming.override else KEEP
    if depends_on(held.provider, incoming.provider):
        return KEEP if held.override else REPLACE
    if incoming.override != held.override:
        return REPLACE if incoming.override else KEEP
    return CONTEST


def outcome_message(
    kind: str,
    name: str,
    verdict: str,
    held: Claim,
    incoming: Claim,
    depends_on: Callable[[str, str], bool],
) -> str:
    """What the warning says: which plugin lost, which kept or took the name, and why."""
    if verdict == CONTEST:
        flag = "override=True" if held.override else "no override"
        return (
            f"{kind} {name!r} is registered by both {held.provider} "
            f"({held.registration.target_name}) and {incoming.provider} "
            f"({incoming.registration.target_name}), neither depends on the other and both "
            f"registered it with {flag}: the name is unusable until one goes. Leave one plugin "
            f"out (NEMO_PLUGINS=-{incoming.provider} or NEMO_PLUGINS=-{held.provider}) or "
            "uninstall it; a plugin that means to replace the other's registers it with "
            "override=True"
        )
    winner, loser = (incoming, held) if verdict == REPLACE else (held, incoming)
    if winner.provider == loser.provider:
        why = f"{winner.provider} registers it twice; override=True on the second replaces"
    elif depends_on(winner.provider, loser.provider):
        why = f"{winner.provider} depends on {loser.provider} and registered it with override=True"
    elif depends_on(loser.provider, winner.provider):
        why = (
            f"{loser.provider} depends on {winner.provider} and registered it without override=True"
        )
    else:
        why = f"{winner.provider} registered it with override=True and {loser.provider} did not"
    return (
        f"{kind} {name!r}: {winner.provider}'s ({winner.registration.target_name}) is used, "
        f"not {loser.provider}'s ({loser.registration.target_name}): {why}. To use the other, "
        f"leave {winner.provider} out (NEMO_PLUGINS=-{winner.provider}); to silence this, "
        "rename one of them"
    )
