"""The subcommands: every module of this package registers its own with the CLI."""
import importlib
import pkgutil

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module != "common":
        importlib.import_module(f"{__name__}.{_module}")
