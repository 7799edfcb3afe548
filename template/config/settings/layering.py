"""Merges settings modules into an environment's settings: the chosen layers', then the user's.

A layer keeps its settings in config/settings/components/<layer>.py, and may refine them per
environment in components/<layer>_<environment>.py (for example to run tasks inline in `test`).
The user's own settings live in config/settings/custom.py and are merged the same way, last.
Upper-case names in those modules replace the settings of the same name, except the lists named
in EXTENDED, which are appended to: a module adds apps and checks without restating the lists.
Apps that must come before Django's own (to provide a management command such as runserver) go
in LEADING_APPS, which is put at the front of INSTALLED_APPS. Middleware named in LAST_MIDDLEWARE
stays at the end of MIDDLEWARE whatever a module appends.
"""

from collections.abc import MutableMapping
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from config.layers import LAYERS

EXTENDED = ("INSTALLED_APPS", "MIDDLEWARE", "HEALTH_CHECKS", "SENTRY_INTEGRATIONS")
COMPONENTS = "config.settings.components"
# django-axes must see the final response of every other middleware.
LAST_MIDDLEWARE = ("axes.middleware.AxesMiddleware",)


def appended(current: list[Any], extra: list[Any]) -> list[Any]:
    """`current`, then what `extra` adds to it. A module that extended the list in place
    (`from config.settings.base import INSTALLED_APPS` then `INSTALLED_APPS += [...]`) repeats
    nothing."""
    return [*current, *(item for item in extra if item not in current)]


def merge_settings(namespace: MutableMapping[str, Any], module_name: str) -> None:
    """Apply the upper-case names of `module_name` to `namespace` (EXTENDED lists append)."""
    for key, value in vars(import_module(module_name)).items():
        if not key.isupper():
            continue
        if key == "LEADING_APPS":
            namespace["INSTALLED_APPS"] = [*value, *namespace["INSTALLED_APPS"]]
        elif key == "MIDDLEWARE":
            merged = appended(namespace[key], value)
            last = [path for path in merged if path in LAST_MIDDLEWARE]
            namespace[key] = [path for path in merged if path not in LAST_MIDDLEWARE] + last
        elif key in EXTENDED:
            namespace[key] = appended(namespace[key], value)
        else:
            namespace[key] = value


def apply_layer_settings(namespace: MutableMapping[str, Any], environment: str = "") -> None:
    """Apply every chosen layer's settings (for `environment`, its refinements) to `namespace`."""
    for layer in LAYERS:
        name = f"{COMPONENTS}.{layer}_{environment}" if environment else f"{COMPONENTS}.{layer}"
        if environment and find_spec(name) is None:
            continue
        merge_settings(namespace, name)
