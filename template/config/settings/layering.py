"""Merges each chosen layer's settings module into an environment's settings.

A layer keeps its settings in config/settings/components/<layer>.py, and may refine them per
environment in components/<layer>_<environment>.py (for example eager tasks in `test`). Upper-case
names in those modules replace the settings of the same name, except the lists named in EXTENDED,
which are appended to so that a layer adds apps and checks without restating the base lists.
"""

from collections.abc import MutableMapping
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from config.layers import LAYERS

EXTENDED = ("INSTALLED_APPS", "MIDDLEWARE", "HEALTH_CHECKS")
COMPONENTS = "config.settings.components"


def apply_layer_settings(namespace: MutableMapping[str, Any], environment: str = "") -> None:
    """Apply every chosen layer's settings (for `environment`, its refinements) to `namespace`."""
    for layer in LAYERS:
        name = f"{COMPONENTS}.{layer}_{environment}" if environment else f"{COMPONENTS}.{layer}"
        if environment and find_spec(name) is None:
            continue
        for key, value in vars(import_module(name)).items():
            if not key.isupper():
                continue
            if key in EXTENDED:
                namespace[key] = [*namespace[key], *value]
            else:
                namespace[key] = value
