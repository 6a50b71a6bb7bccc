"""``@hydra_runner``: Hydra's command line for a training script, without Hydra's side effects.

A script decorated with ``@hydra_runner(config_path="conf", config_name="config")`` accepts
Hydra's command line (``--config-path``, ``--config-name``, ``key=value``, ``+key=value``,
``~key``, ``--cfg job``…). As in NeMo, the run writes no ``.hydra`` directory and no log file,
and stays in the current directory.

With a ``schema`` (a structured-config dataclass), the values come, from lowest to highest
precedence, from the dataclass defaults, the YAML file, then the command line. Before the task
function runs, the composed config is checked against the dataclass: every unknown key, value
of the wrong type and required value (``???``) still missing is reported in one error (exit
code 1), instead of the first one only. Without a schema only the missing values are checked
(``???`` in NeMo's configs means "must be given").
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
import sys
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from omegaconf import DictConfig, OmegaConf

from nemo.utils._validation import declared_dataclass, find_missing, validate_config
from nemo.utils.app_state import AppState
from nemo.utils.exceptions import ConfigValidationError
from nemo.utils.model_utils import as_dictconfig

__all__ = ["hydra_runner"]

R = TypeVar("R")

# What NeMo appends to every command line: no .hydra/ output, no log file, no change of cwd.
_HYDRA_OVERRIDES = (
    "hydra.output_subdir=null",
    "hydra/job_logging=stdout",
    "hydra.run.dir=.",
    "hydra.job.chdir=False",
)


def hydra_runner(
    config_path: str | None = None, config_name: str | None = None, schema: Any = None
) -> Callable[[Callable[[Any], R]], Callable[..., R | None]]:
    """Decorate a script's ``main(cfg)`` to get its config from Hydra's command line.

    :param config_path: directory of the YAML configs, relative to the script's file (as for
        ``hydra.main``); ``--config-path`` on the command line replaces it.
    :param config_name: the YAML file's name without ``.yaml``; ``--config-name`` replaces it.
    :param schema: a dataclass the config must match; its defaults fill what the YAML leaves
        out.

    The decorated function may also be called as ``main(cfg_passthrough=cfg)`` to run it on a
    config directly, without Hydra (the config is still checked against ``schema``). It returns
    what the task function returns.
    """
    if schema is not None and not dataclasses.is_dataclass(schema):
        raise TypeError(
            f"hydra_runner(schema=...) must be a dataclass, got {type(schema).__name__}"
        )

    def decorator(task_function: Callable[[Any], R]) -> Callable[..., R | None]:
        @functools.wraps(task_function)
        def wrapper(cfg_passthrough: Any = None) -> R | None:
            what = f"config of {task_function.__module__}.{task_function.__qualname__}"
            if cfg_passthrough is not None:
                return task_function(_checked(cfg_passthrough, schema, what))
            return _run_with_hydra(task_function, config_path, config_name, schema)

        return wrapper

    return decorator


def _checked(cfg: Any, schema: Any, what: str) -> DictConfig:
    """The config the task function gets: validated (all problems at once) and recorded."""
    if schema is not None:
        cfg = validate_config(cfg, schema, what=what)
    else:
        cfg = as_dictconfig(cfg, what=what)
        find_missing(cfg, what=what)
    AppState().run_config = cfg
    return typing.cast(DictConfig, cfg)


def _run_with_hydra(
    task_function: Callable[[Any], R],
    config_path: str | None,
    config_name: str | None,
    schema: Any,
) -> R | None:
    from hydra._internal.utils import _run_hydra, get_args_parser

    parser = get_args_parser()
    args = parser.parse_args()
    if args.config_path is not None:
        config_path = args.config_path
    if args.config_name is not None:
        config_name = args.config_name
    if config_name is not None:
        config_name = _strip_yaml_suffix(config_name)
    if schema is not None:
        args.config_name = _register_schema(schema, config_path, config_name)
        groups = _config_groups(task_function, config_path)
        args.overrides = _lenient_overrides(args.overrides, schema, groups)
    elif config_name is not None:
        args.config_name = config_name
    args.overrides = [*args.overrides, *_HYDRA_OVERRIDES]

    results: list[R] = []
    what = _describe_config(task_function, config_path, config_name)

    @functools.wraps(task_function)  # Hydra finds the script (and config_path) through it
    def run_task(cfg: DictConfig) -> None:
        try:
            checked = _checked(cfg, schema, what)
        except ConfigValidationError as exc:
            sys.stderr.write(f"{exc}\n")
            sys.exit(1)
        results.append(task_function(checked))

    _run_hydra(
        args=args,
        args_parser=parser,
        task_function=run_task,
        config_path=config_path,
        config_name=args.config_name,
    )
    return results[0] if results else None


def _strip_yaml_suffix(name: str) -> str:
    for suffix in (".yaml", ".yml"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _describe_config(task_function: Any, config_path: str | None, config_name: str | None) -> str:
    """Name the YAML file the config came from, as a path the user can open."""
    if config_name is None:
        return f"config of {task_function.__module__}.{task_function.__qualname__}"
    if config_path is None:
        return f"config {config_name!r}"
    return f"config {_config_dir(task_function, config_path) / (config_name + '.yaml')}"


def _config_dir(task_function: Any, config_path: str) -> Path:
    """``config_path`` as Hydra reads it: relative to the script's file."""
    directory = Path(config_path)
    if not directory.is_absolute():
        with contextlib.suppress(TypeError):  # a function without a source file
            directory = Path(inspect.getfile(task_function)).resolve().parent / directory
    return directory


def _register_schema(schema: Any, config_path: str | None, config_name: str | None) -> str:
    """Register the schema's defaults under a primary config that puts the YAML on top.

    The primary config's defaults list is ``[schema defaults, <config_name>.yaml, _self_]``, so
    Hydra merges the YAML onto the dataclass defaults and then applies the command line. The
    defaults are stored untyped: type checks happen afterwards, all at once, in
    :func:`validate_config`.
    """
    from hydra.core.config_store import ConfigStore

    if config_name is not None and "/" in config_name:
        sys.stderr.write(
            f"hydra_runner: config_name {config_name!r} has a directory part; with a schema, "
            "give the directory as --config-path and the file name as --config-name\n"
        )
        sys.exit(1)
    base = config_name or "config"
    defaults = typing.cast(dict[str, Any], OmegaConf.to_container(OmegaConf.structured(schema)))
    defaults.pop("hydra", None)  # NeMo's HydraConfig section: the overrides above do its job
    store = ConfigStore.instance()
    schema_name = f"_nemo_schema_{base}"
    store.store(name=schema_name, node=defaults, provider="nemo")
    entries: list[Any] = [schema_name]
    if config_path is not None and config_name is not None:
        entries.append(config_name)
    entries.append("_self_")
    primary = f"_nemo_run_{base}"
    store.store(name=primary, node={"defaults": entries}, provider="nemo")
    return primary


def _config_groups(task_function: Any, config_path: str | None) -> frozenset[str]:
    """Names of the config groups (subdirectories) of the script's config directory."""
    if config_path is None:
        return frozenset()
    directory = _config_dir(task_function, config_path)
    if not directory.is_dir():
        return frozenset()
    return frozenset(entry.name for entry in directory.iterdir() if entry.is_dir())


def _lenient_overrides(
    overrides: list[str], schema: Any, groups: frozenset[str] = frozenset()
) -> list[str]:
    """Let value overrides of unknown keys through composition, to report them all at once.

    Hydra refuses ``trainer.max_epoch=3`` (a typo) at the first such key; made a forced add
    (``++``) it reaches :func:`validate_config`, which lists it with every other problem (with
    a "did you mean"). Config-group choices (``model=quartznet``, a subdirectory of the config
    directory), additions, deletions and ``hydra.*`` keys are left as written.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = OverridesParser.create().parse_overrides(overrides)
    schema_cls = schema if isinstance(schema, type) else type(schema)
    fields = {f.name for f in dataclasses.fields(schema_cls)}
    result = []
    for text, override in zip(overrides, parsed, strict=True):
        key = override.key_or_group
        plain = not (override.is_add() or override.is_force_add() or override.is_delete())
        if "." in key:
            value_key = True
        elif key in fields:  # a top-level name: a value unless the schema makes it a section
            value_key = declared_dataclass(schema_cls, key) is None
        else:  # unknown: a typo to report, unless it names a config group
            value_key = key not in groups
        if (
            plain
            and value_key
            and override.package is None
            and "/" not in key
            and not key.startswith("hydra")
        ):
            result.append(f"++{text}")
        else:
            result.append(text)
    return result
