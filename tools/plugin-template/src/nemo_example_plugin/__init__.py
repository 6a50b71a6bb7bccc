"""An example NeMo plugin.

Importing this package must stay cheap: NeMo imports the plugin module (and so this package) at
discovery, for every ``nemo list``. The implementations live in modules that are imported only
when used by name.
"""

__version__ = "0.1.0"
