# State stores for Python plugins: key-value, window and session stores.
#
# Owns: a Pythonic face over the store resources the host hands out
# (`kv-store`, `window-store`, `session-store` of wit/, through the bindings
# componentize-py generates at build time) — text or bytes keys, ranges as
# iterators that fetch in batches and release the host's cursor, failures to
# open as `StoreError`.
# Must never: cache or buffer writes in the guest (the host's store is the
# state; reads must see this task's own earlier writes), or keep a cursor open
# after its iterator is done.

from __future__ import annotations

from collections.abc import Iterator
from typing import Optional

from componentize_py_types import Err
from wit_world.imports import kv_store as _kv
from wit_world.imports import session_store as _session
from wit_world.imports import window_store as _window
from wit_world.imports.session_store import SessionEntry
from wit_world.imports.window_store import WindowEntry

from .records import Bytes, to_bytes

__all__ = ["SessionEntry", "SessionStore", "Store", "StoreError", "WindowEntry", "WindowStore"]

_range_batch = 256


class StoreError(Exception):
    """A store could not be opened (unknown, not allowed for this node, or of another kind)."""


def _key(key: Bytes) -> bytes:
    return key if type(key) is bytes else to_bytes(key)


def _optional_key(key: Optional[Bytes]) -> Optional[bytes]:
    return None if key is None else _key(key)


def _open(kind: str, opener, name: str):  # type: ignore[no-untyped-def]
    try:
        return opener(name)
    except Err as error:
        raise StoreError(f"cannot open {kind} '{name}': {error.value}") from None


class Store:
    """A key-value store owned by the host, bound by name.

    Keys are ordered by unsigned byte-wise comparison. Writes are durable at
    the next commit; reads see this task's earlier writes.
    """

    __slots__ = ("name", "_store")

    def __init__(self, name: str, handle: _kv.Store) -> None:
        self.name = name
        self._store = handle

    @classmethod
    def open(cls, name: str) -> Store:
        """Opens the store `name`; raises `StoreError` if this node may not use it."""
        return cls(name, _open("store", _kv.Store.open, name))

    def get(self, key: Bytes) -> Optional[bytes]:
        """The value under `key`, or `None`."""
        return self._store.get(key if type(key) is bytes else to_bytes(key))

    def put(self, key: Bytes, value: Bytes) -> None:
        """Stores `value` under `key`, replacing any earlier value."""
        self._store.put(key if type(key) is bytes else to_bytes(key), value if type(value) is bytes else to_bytes(value))

    def delete(self, key: Bytes) -> Optional[bytes]:
        """Removes `key`; returns the value it had, if any."""
        return self._store.delete(_key(key))

    def range(self, lower: Optional[Bytes] = None, upper: Optional[Bytes] = None) -> Iterator[tuple[bytes, bytes]]:
        """(key, value) pairs with `lower <= key <= upper` in key order; `None` leaves an end open."""
        return _drain(self._store.range(_optional_key(lower), _optional_key(upper)))

    def prefix_scan(self, prefix: Bytes) -> Iterator[tuple[bytes, bytes]]:
        """(key, value) pairs whose key starts with `prefix`, in key order."""
        return _drain(self._store.prefix_scan(_key(prefix)))

    def items(self) -> Iterator[tuple[bytes, bytes]]:
        """Every (key, value) pair, in key order."""
        return self.range()

    def approximate_num_entries(self) -> int:
        """The number of entries (exact in this host)."""
        return self._store.approximate_num_entries()

    def __len__(self) -> int:
        return self._store.approximate_num_entries()

    def __contains__(self, key: Bytes) -> bool:
        return self.get(key) is not None

    def __repr__(self) -> str:
        return f"Store({self.name!r})"


def _drain(cursor: _kv.KeyValueIterator) -> Iterator[tuple[bytes, bytes]]:
    with cursor:
        while True:
            batch = cursor.next(_range_batch)
            if not batch:
                return
            for entry in batch:
                yield entry.key, entry.value


class WindowStore:
    """A window store (Kafka Streams' WindowStore): a value per key and window start.

    The topology declares it with its retention and window size.
    """

    __slots__ = ("name", "_store")

    def __init__(self, name: str, handle: _window.Store) -> None:
        self.name = name
        self._store = handle

    @classmethod
    def open(cls, name: str) -> WindowStore:
        """Opens the window store `name`; raises `StoreError` if this node may not use it."""
        return cls(name, _open("window store", _window.Store.open, name))

    def put(self, key: Bytes, value: Optional[Bytes], window_start: int) -> None:
        """Stores `value` for `key` in the window starting at `window_start`; `None` deletes it."""
        self._store.put(_key(key), _optional_key(value), window_start)

    def fetch(self, key: Bytes, window_start: int) -> Optional[bytes]:
        """The value of `key` in the window starting at `window_start`."""
        return self._store.fetch(_key(key), window_start)

    def fetch_range(self, key: Bytes, time_from: int, time_to: int, backward: bool = False) -> list[WindowEntry]:
        """`key`'s windows with `time_from <= start <= time_to`, earliest first (latest first when `backward`)."""
        return self._store.fetch_range(_key(key), time_from, time_to, backward)

    def fetch_key_range(
        self, key_from: Optional[Bytes], key_to: Optional[Bytes], time_from: int, time_to: int, backward: bool = False
    ) -> list[WindowEntry]:
        """Windows of keys in `[key_from, key_to]` (`None`: open end) with `time_from <= start <= time_to`."""
        return self._store.fetch_key_range(_optional_key(key_from), _optional_key(key_to), time_from, time_to, backward)

    def all(self, backward: bool = False) -> list[WindowEntry]:
        """Every visible window."""
        return self._store.all(backward)

    def __repr__(self) -> str:
        return f"WindowStore({self.name!r})"


class SessionStore:
    """A session store (Kafka Streams' SessionStore): a value per key and session [start, end]."""

    __slots__ = ("name", "_store")

    def __init__(self, name: str, handle: _session.Store) -> None:
        self.name = name
        self._store = handle

    @classmethod
    def open(cls, name: str) -> SessionStore:
        """Opens the session store `name`; raises `StoreError` if this node may not use it."""
        return cls(name, _open("session store", _session.Store.open, name))

    def put(self, key: Bytes, start: int, end: int, value: Bytes) -> None:
        """Stores `value` for `key`'s session from `start` to `end`."""
        self._store.put(_key(key), start, end, _key(value))

    def remove(self, key: Bytes, start: int, end: int) -> None:
        """Removes `key`'s session from `start` to `end`."""
        self._store.remove(_key(key), start, end)

    def fetch_session(self, key: Bytes, start: int, end: int) -> Optional[bytes]:
        """The value of `key`'s session from `start` to `end`."""
        return self._store.fetch_session(_key(key), start, end)

    def find_sessions(
        self, key: Bytes, earliest_session_end: int, latest_session_start: int, backward: bool = False
    ) -> list[SessionEntry]:
        """`key`'s sessions ending at or after `earliest_session_end` and starting at or before `latest_session_start`."""
        return self._store.find_sessions(_key(key), earliest_session_end, latest_session_start, backward)

    def __repr__(self) -> str:
        return f"SessionStore({self.name!r})"
