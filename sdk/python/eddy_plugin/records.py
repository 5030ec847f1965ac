# Records and configuration as a Python plugin sees them.
#
# Owns: the typed records of the contract (re-exported from the bindings that
# componentize-py generates from wit/ at build time), small constructors that
# take text or bytes, and the node configuration as a read-only mapping.
# Must never: define a record type of its own (the generated dataclasses are
# what crosses the component boundary) or hold state between calls.

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Optional, Union

from wit_world.imports.types import Header, KeyValue, PunctuationType, Record, RecordMetadata

__all__ = [
    "Bytes",
    "Config",
    "MissingConfigError",
    "Header",
    "KeyValue",
    "PunctuationType",
    "Record",
    "RecordMetadata",
    "to_bytes",
    "record",
]

Bytes = Union[bytes, bytearray, memoryview, str]
"""Anything the SDK accepts where the contract wants bytes: text is encoded as UTF-8."""


def to_bytes(value: Bytes) -> bytes:
    """`value` as bytes (text as UTF-8)."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


def _optional_bytes(value: Optional[Bytes]) -> Optional[bytes]:
    return None if value is None else to_bytes(value)


def record(
    key: Optional[Bytes],
    value: Optional[Bytes],
    timestamp: int,
    headers: Sequence[tuple[str, Bytes]] = (),
) -> Record:
    """A record; `None` is a null key or value, text is encoded as UTF-8."""
    return Record(
        _optional_bytes(key),
        _optional_bytes(value),
        timestamp,
        [Header(name, to_bytes(header_value)) for name, header_value in headers],
    )


class MissingConfigError(KeyError):
    """A required config key is not set."""

    def __str__(self) -> str:
        return str(self.args[0])


class Config(Mapping[str, str]):
    """The node's configuration: its `config` entries, in the order written.

    A key written twice keeps its first value for lookups; `entries` has all.
    """

    __slots__ = ("entries", "_first")

    def __init__(self, entries: Sequence[tuple[str, str]] = ()) -> None:
        self.entries: list[tuple[str, str]] = list(entries)
        self._first: dict[str, str] = {}
        for key, value in self.entries:
            self._first.setdefault(key, value)

    def __getitem__(self, key: str) -> str:
        return self._first[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._first)

    def __len__(self) -> int:
        return len(self._first)

    def require(self, key: str) -> str:
        """The value of `key`; raises `MissingConfigError` naming it when unset."""
        try:
            return self._first[key]
        except KeyError:
            raise MissingConfigError(f"missing config key '{key}'") from None

    def __repr__(self) -> str:
        return f"Config({self.entries!r})"
