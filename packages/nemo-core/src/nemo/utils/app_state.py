"""What this process knows about the current experiment, readable from anywhere (NeMo's AppState).

``exp_manager`` fills it in; models and callbacks read it (e.g. where checkpoints go) without
having the Trainer or the config at hand. One instance per process.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

__all__ = ["AppState"]


class AppState:
    """The process-wide experiment state (a singleton: ``AppState() is AppState()``)."""

    _instance: AppState | None = None
    _lock = threading.Lock()

    log_dir: Path | None
    exp_dir: Path | None
    name: str | None
    version: str | None
    checkpoint_name: str | None
    create_checkpoint_callback: bool
    checkpoint_callback_params: Any
    resume_checkpoint: Path | None
    run_config: Any
    global_rank: int
    local_rank: int
    world_size: int

    def __new__(cls) -> AppState:
        with cls._lock:
            if cls._instance is None:
                instance = super().__new__(cls)
                instance.reset()
                cls._instance = instance
            return cls._instance

    def reset(self) -> None:
        """Forget the current experiment (a new ``exp_manager`` call fills it in again)."""
        self.log_dir = None
        self.exp_dir = None
        self.name = None
        self.version = None
        self.checkpoint_name = None
        self.create_checkpoint_callback = False
        self.checkpoint_callback_params = None
        self.resume_checkpoint = None
        self.run_config = None
        self.global_rank = 0
        self.local_rank = 0
        self.world_size = 1
