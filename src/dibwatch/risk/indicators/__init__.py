"""The red-flag indicators: every module of this package defines one (its rule's SQL, typed
parameters and documentation). The registry is derived from the modules, so adding an
indicator is one module plus one entry in the risk configuration, whose order is the order
the indicators run in (those marked ``runs_last`` after all others)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from dibwatch.risk.indicators.base import Indicator, LineIndicator, RunContext


def _discover() -> tuple[type[Indicator], ...]:
    found: list[type[Indicator]] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found += [obj for obj in vars(module).values()
                  if inspect.isclass(obj) and issubclass(obj, Indicator)
                  and obj.__module__ == module.__name__ and not inspect.isabstract(obj)]
    return tuple(found)


# Every indicator in the package, by name. Code outside the package (a plugin, a test) adds
# its own with ``register``; a configuration may then name it.
INDICATORS: tuple[type[Indicator], ...] = _discover()
BY_NAME: dict[str, type[Indicator]] = {i.name: i for i in INDICATORS}


def register(indicator: type[Indicator]) -> type[Indicator]:
    """Make an indicator defined outside this package known (usable as a class decorator)."""
    known = BY_NAME.get(indicator.name)
    if known is not None and known is not indicator:
        raise ValueError(f"an indicator named {indicator.name!r} exists: {known.__module__}")
    BY_NAME[indicator.name] = indicator
    return indicator


def unregister(indicator: type[Indicator]) -> None:
    if BY_NAME.get(indicator.name) is indicator and indicator not in INDICATORS:
        del BY_NAME[indicator.name]


__all__ = ["BY_NAME", "INDICATORS", "Indicator", "LineIndicator", "RunContext", "register",
           "unregister"]
