"""Hook specifications: the plugin author's manual.

A plugin is a module or an object named by an entry point in the ``nemo.plugins`` group::

    [project.entry-points."nemo.plugins"]
    my_plugin = "my_package.nemo_plugin"

Its functions marked with :data:`nemo.core.plugins.hookimpl` and named like a hook below are
called by nemo-core. A hook implementation may accept any subset of the hook's arguments, by name.

Rules that hold for every hook:

* **The plugin module must be cheap to import.** Discovery imports every plugin module at the
  first registry access (``nemo list`` does this for all of them), so it must not import torch
  models, kernels or data libraries at module level. Register implementations by *lazy
  reference* (``"package.module:Name"``): they are imported on first use only.
* **Faults are contained.** If a plugin cannot be imported, has a hook that raises, declares a
  hook that does not exist, or requires a nemo-core version that is not installed, nemo-core
  emits one :class:`~nemo.core.plugins.PluginWarning` naming the distribution, its version and
  a fix, marks the plugin failed in ``nemo plugins`` and goes on with every other plugin.
* **Hook wrappers are not supported**: nemo-core calls each implementation itself, so that a
  fault is attributed to the plugin that caused it.
* **Order.** nemo-core's built-in plugin is registered first, then entry points sorted by
  distribution name and entry-point name. Within a hook, later-registered plugins are called
  first, as in pluggy; ``tryfirst``/``trylast`` on the marker adjust this.

Hooks are grouped by the stage at which nemo-core calls them.
"""

from __future__ import annotations

from nemo.core.plugins._markers import hookspec

TYPE_CHECKING = False  # not typing's: discovery reads this module and must not import typing
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from pathlib import Path
    from typing import Any

    from nemo.core.plugins._registrar import Registrar

__all__ = [
    "nemo_add_cli_commands",
    "nemo_register",
    "nemo_resolve_location",
    "nemo_trainer_callbacks",
    "nemo_trainer_loggers",
]


# --------------------------------------------------------------------------------------------
# Discovery stage: called once per plugin when the registries are first used (or refreshed).
# --------------------------------------------------------------------------------------------


@hookspec
def nemo_register(registrar: Registrar) -> None:
    """Register what this plugin provides: models, optimizers, schedulers, tokenizers, pretrained
    models.

    Call the registrar's methods, passing implementations by lazy reference so that listing
    never imports them::

        @hookimpl
        def nemo_register(registrar):
            registrar.optimizer("lion", "my_pkg.lion:Lion", params="my_pkg.lion:LionParams")
            registrar.scheduler("Linear", "my_pkg.sched:Linear", params="my_pkg.sched:LinearParams")
            registrar.model("MyModel", "my_pkg.model:MyModel", aliases=["mymodel"])
            registrar.tokenizer("my_bpe", "my_pkg.tokenizer:MyBPE")  # a TokenizerSpec
            registrar.pretrained(
                "my_model_en", class_="my_pkg.model:MyModel",
                location="https://example.org/my_model_en.nemo", sha256="...",
            )

    :param registrar: collects this plugin's registrations. They take effect only if the hook
        returns normally: a hook that raises registers nothing.

    Result: ignored. A name another plugin already holds is refused with a warning, unless the
    registration passes ``override=True`` (then it replaces the earlier one).
    """


# --------------------------------------------------------------------------------------------
# Command-line stage: called when the ``nemo`` command builds its parser.
# --------------------------------------------------------------------------------------------


@hookspec
def nemo_add_cli_commands(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add subcommands to the ``nemo`` command.

    Add a parser and name its handler through ``set_defaults(handler=...)``: a callable, or a
    lazy reference ``"pkg.module:function"`` imported only when the command runs. The handler
    receives the parsed :class:`argparse.Namespace` and returns the exit code::

        @hookimpl
        def nemo_add_cli_commands(subparsers):
            p = subparsers.add_parser("transcribe", help="transcribe audio files")
            p.add_argument("files", nargs="+")
            p.set_defaults(handler="my_pkg.cli:transcribe")

    Result: ignored. A subcommand name already taken is reported as a fault of the later plugin.
    """


# --------------------------------------------------------------------------------------------
# Pretrained-model stage: called by ``from_pretrained`` to fetch a registered location.
# --------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def nemo_resolve_location(location: str, cache_dir: Path, refresh: bool) -> Path | None:
    """Turn a pretrained model's ``location`` into a local ``.nemo`` file.

    Return ``None`` for a location this plugin does not handle, so the next resolver is tried.
    The first non-``None`` result wins: a plugin adds a scheme (``s3://``, ``hf://``) by
    answering for it. nemo-core's built-in resolvers handle local paths, ``file://``,
    ``http(s)://`` and ``package://`` and are called last, so a plugin may also take over one
    of those (a mirror, a proxy that logs in).

    nemo-core calls the hook holding the entry's lock (processes fetching one model wait for
    each other) and checks the returned file against the registered sha256 and size, deleting
    it if it is in the cache and wrong. A resolver that downloads should reuse a complete file
    already in ``cache_dir`` unless ``refresh``, write to a temporary name and rename, and
    honour ``NEMO_OFFLINE`` (:func:`nemo.core.pretrained.is_offline`); for a scheme that maps
    to an https URL, :func:`nemo.core.pretrained.download_url` does all of this.

    :param location: the location string as registered.
    :param cache_dir: the directory in which this location's download may be stored (keyed by
        the registered sha256, else by the location; it may not exist yet).
    :param refresh: ``True`` when the user asked to ignore any cached copy.
    """


# --------------------------------------------------------------------------------------------
# Training stage: called by experiment management when it configures a Trainer.
# --------------------------------------------------------------------------------------------


@hookspec
def nemo_trainer_callbacks(config: Any) -> Sequence[Any] | None:
    """Return extra Lightning callbacks to add to a training run.

    :param config: the run's whole configuration (a ``DictConfig`` with ``trainer``,
        ``exp_manager`` and ``model`` sections, as far as the script has them).

    Result: every plugin's callbacks, concatenated in call order.
    """


@hookspec
def nemo_trainer_loggers(config: Any, log_dir: Path) -> Sequence[Any] | None:
    """Return extra Lightning loggers to add to a training run.

    :param config: as for :func:`nemo_trainer_callbacks`.
    :param log_dir: the experiment's log directory, where a logger may write its files.

    Result: every plugin's loggers, concatenated in call order.
    """
