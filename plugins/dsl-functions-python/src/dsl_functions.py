# DSL functions identical to plugins/dsl-functions-rust (and -go), name for
# name and byte for byte (test/dsl/functions-python.test.ts calls every
# function of both on the same inputs), so the DSL examples and differential
# scenarios can run with either.
#
# Values are strings in UTF-8 (Kafka's StringSerde) unless a function says
# Long: 8 bytes big-endian (LongSerde). A null input gives a null output
# where Java would (`null` string concatenation writes "null").
#
# Owns: these functions' behaviour. Must never: differ from the Rust ones in
# a byte or an error message, or keep state between calls.

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Optional

from eddy_plugin.functions import Config, FunctionError, Functions, export_functions, text
from eddy_plugin.unicode import lower, words


def string(value: Optional[bytes]) -> Optional[str]:
    """The value as a string (None for null), or Rust's "not UTF-8: …" error."""
    if value is None:
        return None
    try:
        return text(value)
    except FunctionError as error:
        raise FunctionError(f"not UTF-8: {error}") from None


def or_null(s: Optional[str]) -> str:
    return "null" if s is None else s


def long(value: Optional[bytes]) -> int:
    if value is None:
        raise FunctionError("null aggregate")
    if len(value) != 8:
        raise FunctionError(f"a Long is 8 bytes, got {len(value)}")
    return int.from_bytes(value, "big", signed=True)


def long_bytes(n: int) -> bytes:
    """A Long, wrapping as Java's and Rust's arithmetic does."""
    return (n & 0xFFFF_FFFF_FFFF_FFFF).to_bytes(8, "big")


def java_length(s: str) -> int:
    """Java's `String.length()`: UTF-16 code units."""
    return len(s) + sum(1 for c in s if ord(c) > 0xFFFF)


_java_non_word = re.compile(r"[^A-Za-z0-9_]+")


def java_split_words(line: str) -> list[str]:
    """Java's `s.toLowerCase(Locale.ROOT).split("\\W+")` (as the Rust plugin writes it)."""
    tokens = _java_non_word.split(lower(line))
    while len(tokens) > 1 and tokens[-1] == "":
        tokens.pop()
    return [] if tokens == [""] and line != "" else tokens


_decimal = re.compile(r"[+-]?[0-9]+")


def parse_long(s: str) -> Optional[int]:
    """Rust's `s.parse::<i64>().ok()`."""
    if not _decimal.fullmatch(s):
        return None
    n = int(s)
    return n if -(1 << 63) <= n < (1 << 63) else None


def concatenate(a: Optional[bytes], b: Optional[bytes], separator: str) -> bytes:
    """Rust's format!("{a}{separator}{b}") with null written "null"."""
    x = string(a)
    y = string(b)
    return (or_null(x) + separator + or_null(y)).encode()


def add_length(value: Optional[bytes], aggregate: Optional[bytes], sign: int) -> bytes:
    v = string(value)
    length = 0 if v is None else java_length(v)
    return long_bytes(long(aggregate) + sign * length)


def register(config: Config, f: Functions) -> None:
    @f.flat_value_mapper("split-words")
    def split_words(key: Optional[bytes], value: Optional[bytes]) -> list[bytes]:
        line = string(value)
        return [] if line is None else [word.encode() for word in java_split_words(line)]

    # Eddy's word definition (plugins/wordcount-rust): lowercase, split on runs
    # of characters that are neither Alphabetic nor Numeric, no empty words.
    @f.flat_value_mapper("unicode-words")
    def unicode_words(key: Optional[bytes], value: Optional[bytes]) -> Iterator[bytes]:
        line = string(value)
        return iter(()) if line is None else (word.encode() for word in words(line))

    # A Long (8 bytes) as decimal text.
    f.value_mapper("long-to-decimal", lambda key, value: None if value is None else str(long(value)))
    f.key_selector("value-as-key", lambda key, value: value)
    # The record's own key (None for a null key): a join key that can be null while the value is not.
    f.key_selector("record-key", lambda key, value: key)

    @f.key_selector("first-letter")
    def first_letter(key: Optional[bytes], value: Optional[bytes]) -> Optional[str]:
        v = string(value)
        return None if v is None else v[:1]

    f.key_value_mapper("swap", lambda key, value: (value, key))

    @f.key_value_mapper("by-first-letter")
    def by_first_letter(key: Optional[bytes], value: Optional[bytes]) -> tuple[Optional[str], Optional[bytes]]:
        v = string(value)
        return (None if v is None else v[:1], value)

    @f.value_mapper("uppercase")
    def uppercase(key: Optional[bytes], value: Optional[bytes]) -> Optional[str]:
        v = string(value)
        return None if v is None else v.upper()

    @f.value_mapper("length")
    def length(key: Optional[bytes], value: Optional[bytes]) -> Optional[bytes]:
        v = string(value)
        return None if v is None else long_bytes(java_length(v))

    @f.predicate("has-a")
    def has_a(key: Optional[bytes], value: Optional[bytes]) -> bool:
        v = string(value)
        return v is not None and "a" in v

    @f.predicate("key-has-a")
    def key_has_a(key: Optional[bytes], value: Optional[bytes]) -> bool:
        k = string(key)
        return k is not None and "a" in k

    @f.flat_mapper("words-as-keys")
    def words_as_keys(key: Optional[bytes], value: Optional[bytes]) -> list[tuple[bytes, Optional[bytes]]]:
        line = string(value)
        return [] if line is None else [(word.encode(), key) for word in java_split_words(line)]

    f.initializer("empty-string", lambda: b"")
    f.initializer("zero", lambda: long_bytes(0))
    f.aggregator("append", lambda key, value, aggregate: concatenate(aggregate, value, ""))
    f.aggregator("add-length", lambda key, value, aggregate: add_length(value, aggregate, 1))
    f.aggregator("subtract-length", lambda key, value, aggregate: add_length(value, aggregate, -1))
    f.reducer("concat", lambda aggregate, value: concatenate(aggregate, value, ","))
    f.reducer("minus", lambda aggregate, value: concatenate(aggregate, value, "-"))
    f.reducer("sum", lambda aggregate, value: long_bytes(long(aggregate) + long(value)))
    f.value_joiner("join-values", lambda key, left, right: concatenate(left, right, "+"))
    f.action("nothing", lambda key, value: None)

    # The time in a value "<anything>@<millis>", else the record's own.
    @f.timestamp_extractor("time-from-value")
    def time_from_value(key: Optional[bytes], value: Optional[bytes], timestamp: int, partition_time: int) -> int:
        v = string(value)
        if v is None or "@" not in v:
            return timestamp
        time = parse_long(v[v.rindex("@") + 1 :])
        return timestamp if time is None else time

    @f.topic_name_extractor("topic-by-first-letter")
    def topic_by_first_letter(key: Optional[bytes], value: Optional[bytes], source_topic: str) -> str:
        v = string(value)
        if v and ("a" <= v[0] <= "z" or "A" <= v[0] <= "Z"):
            return "letter-" + v[0].lower()
        return "letter-other"

    f.merger("merge-lengths", lambda key, a, b: long_bytes(long(a) + long(b)))
    f.merger("merge-strings", lambda key, a, b: concatenate(a, b, "|"))


export_functions(register)
