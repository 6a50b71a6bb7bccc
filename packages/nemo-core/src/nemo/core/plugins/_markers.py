"""The ``hookimpl`` and ``hookspec`` markers of the ``nemo`` project name.

They write exactly what :class:`pluggy.HookimplMarker` and :class:`pluggy.HookspecMarker` write
(a ``nemo_impl`` / ``nemo_spec`` options dict on the function), so pluggy reads them as its own;
they are defined here rather than taken from pluggy so that a plugin module importing the marker,
and discovery, import no pluggy (pluggy pulls ``typing`` and ``inspect``, a large part of the
start-up budget of ``nemo list``). Kept in their own module so that a plugin module can import
them without importing anything else of nemo-core.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any, TypeVar, overload

    _F = TypeVar("_F", bound=Callable[..., object])

__all__ = ["IMPL_ATTRIBUTE", "PROJECT_NAME", "SPEC_ATTRIBUTE", "hookimpl", "hookspec"]

PROJECT_NAME = "nemo"
IMPL_ATTRIBUTE = PROJECT_NAME + "_impl"
SPEC_ATTRIBUTE = PROJECT_NAME + "_spec"


class HookimplMarker:
    """Marks a function as a hook implementation (same arguments as pluggy's marker)."""

    __slots__ = ("project_name",)

    def __init__(self, project_name: str) -> None:
        self.project_name = project_name

    if TYPE_CHECKING:

        @overload
        def __call__(
            self,
            function: _F,
            hookwrapper: bool = ...,
            optionalhook: bool = ...,
            tryfirst: bool = ...,
            trylast: bool = ...,
            specname: str | None = ...,
            wrapper: bool = ...,
        ) -> _F: ...

        @overload
        def __call__(
            self,
            function: None = ...,
            hookwrapper: bool = ...,
            optionalhook: bool = ...,
            tryfirst: bool = ...,
            trylast: bool = ...,
            specname: str | None = ...,
            wrapper: bool = ...,
        ) -> Callable[[_F], _F]: ...

    def __call__(
        self,
        function: Any = None,
        hookwrapper: bool = False,
        optionalhook: bool = False,
        tryfirst: bool = False,
        trylast: bool = False,
        specname: str | None = None,
        wrapper: bool = False,
    ) -> Any:
        def mark(func: _F) -> _F:
            opts = {
                "wrapper": wrapper,
                "hookwrapper": hookwrapper,
                "optionalhook": optionalhook,
                "tryfirst": tryfirst,
                "trylast": trylast,
                "specname": specname,
            }
            setattr(func, self.project_name + "_impl", opts)
            return func

        return mark if function is None else mark(function)


class HookspecMarker:
    """Marks a function as a hook specification (same arguments as pluggy's marker)."""

    __slots__ = ("project_name",)

    def __init__(self, project_name: str) -> None:
        self.project_name = project_name

    if TYPE_CHECKING:

        @overload
        def __call__(
            self,
            function: _F,
            firstresult: bool = ...,
            historic: bool = ...,
            warn_on_impl: Warning | None = ...,
            warn_on_impl_args: Mapping[str, Warning] | None = ...,
        ) -> _F: ...

        @overload
        def __call__(
            self,
            function: None = ...,
            firstresult: bool = ...,
            historic: bool = ...,
            warn_on_impl: Warning | None = ...,
            warn_on_impl_args: Mapping[str, Warning] | None = ...,
        ) -> Callable[[_F], _F]: ...

    def __call__(
        self,
        function: Any = None,
        firstresult: bool = False,
        historic: bool = False,
        warn_on_impl: Warning | None = None,
        warn_on_impl_args: Mapping[str, Warning] | None = None,
    ) -> Any:
        def mark(func: _F) -> _F:
            if historic and firstresult:
                raise ValueError("cannot have a historic firstresult hook")
            opts = {
                "firstresult": firstresult,
                "historic": historic,
                "warn_on_impl": warn_on_impl,
                "warn_on_impl_args": warn_on_impl_args,
            }
            setattr(func, self.project_name + "_spec", opts)
            return func

        return mark if function is None else mark(function)


hookspec = HookspecMarker(PROJECT_NAME)
hookimpl = HookimplMarker(PROJECT_NAME)
