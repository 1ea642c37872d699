"""Every model of the portal, collected from the areas for migrations and schema checks.

Do not list models here by hand: every BaseModel subclass defined in portal/<area>/models.py
(and in the top-level modules below) is found automatically.
"""

import importlib
import pkgutil
from pathlib import Path

from peewee import sort_models

from portal.db import BaseModel

TOP_LEVEL_MODULES = ("portal.audit", "portal.mailer", "portal.storage")


def _model_modules() -> list[str]:
    root = Path(__file__).parent
    areas = [m.name for m in pkgutil.iter_modules([str(root)]) if m.ispkg]
    found = [f"portal.{a}.models" for a in sorted(areas) if (root / a / "models.py").exists()]
    return found + list(TOP_LEVEL_MODULES)


def collect_models(modules=None) -> list[type[BaseModel]]:
    """The models defined in `modules` (default: all), in dependency order."""
    found = []
    for name in modules or _model_modules():
        module = importlib.import_module(name)
        found += [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type)
            and issubclass(obj, BaseModel)
            and obj is not BaseModel
            and obj.__module__ == name
        ]
    return sort_models(found)


ALL_MODELS = collect_models()
