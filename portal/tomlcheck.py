"""Reading a hand-edited TOML data file strictly (the ruleset, the consent texts).

Every problem is collected, not just the first, each prefixed with where it is in the file's own
terms ("charges[3].qualifiers[0]: 'divertible_answer' is required"). Standard library only, so
that `portal.eligibility` stays pure; `portal.consent` uses it too.
"""

from __future__ import annotations

import importlib.resources
import tomllib
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from os import PathLike
from typing import Any

# A real data file is a few KiB; the cap keeps a wrong path (a log, a dump) from being read whole.
MAX_BYTES = 1024 * 1024

Check = Callable[[Any], "str | None"]


def read_bytes(package: str, default_name: str, path: str | PathLike[str] | None,
               error: Callable[[list[str], str], Exception]) -> tuple[bytes, str]:
    """The file's bytes and how to name it in messages; None means the one in ``package``."""
    if path is None:
        return importlib.resources.files(package).joinpath(default_name).read_bytes(), default_name
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise error([f"cannot read the file ({exc.strerror or exc})"], str(path)) from None
    if len(raw) > MAX_BYTES:
        raise error([f"the file is larger than {MAX_BYTES // 1024} KiB"], str(path))
    return raw, str(path)


def decode(raw: bytes, source: str, error: Callable[[list[str], str], Exception]) -> dict:
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise error(["the file is not UTF-8 text"], source) from None
    except tomllib.TOMLDecodeError as exc:
        raise error([f"not valid TOML: {exc}"], source) from None


class Problems:
    """Collects every problem in a file, each prefixed with where it is."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}" if where else message)

    def table(self, value: Any, where: str, required: tuple = (), optional: tuple = ()) -> dict:
        """The table itself, after reporting its unknown and missing keys ({} if not a table)."""
        if not isinstance(value, dict):
            self.add(where, f"must be a table, not {kind(value)}")
            return {}
        for key in value:
            if key not in required and key not in optional:
                self.add(where, f"unknown key {key!r}")
        for key in required:
            if key not in value:
                self.add(where, f"{key!r} is required")
        return value

    def tables(self, parent: dict, key: str, non_empty: bool = False,
               prefix: str = "") -> Iterator[tuple[str, Any]]:
        """Each entry of an array of tables ([[key]]), with where it is."""
        where = at(prefix, key)
        value = parent.get(key, [])
        if not isinstance(value, list):
            self.add(where, f"must be an array of tables ([[{key}]]), not {kind(value)}")
            return
        if non_empty and not value and key in parent:
            self.add(where, "must have at least one entry")
        for index, entry in enumerate(value):
            yield f"{where}[{index}]", entry

    def value(self, table: dict, key: str, where: str, check: Check) -> Any:
        """The value if present and valid, else None (missing keys are reported by table())."""
        if key not in table:
            return None
        problem = check(table[key])
        if problem:
            self.add(at(where, key), problem)
            return None
        return table[key]


def at(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def kind(value: Any) -> str:
    """What a wrong value is, in the file's terms (checked most specific first)."""
    kinds = (
        (bool, "true/false"), (int, "a whole number"), (float, "a decimal number"),
        (str, "text"), (datetime, "a date and time"), (date, "a date"), (time, "a time"),
        (list, "an array"), (dict, "a table"),
    )
    for type_, name in kinds:
        if isinstance(value, type_):
            return name
    return type(value).__name__
