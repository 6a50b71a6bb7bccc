"""nemo-core's test kit: the plugin_environment and nemo_registrations fixtures."""

pytest_plugins = ["nemo.core.testing"]
