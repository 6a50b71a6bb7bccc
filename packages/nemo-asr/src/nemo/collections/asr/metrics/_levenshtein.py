"""Edit distance, shared with every collection through nemo-core (``nemo.utils.edit_distance``)."""

from nemo.utils.edit_distance import edit_distance

__all__ = ["edit_distance"]
