"""The valid-frame mask, shared with every speech collection through nemo-core."""

from nemo.core.audio import valid_frames

__all__ = ["valid_frames"]
