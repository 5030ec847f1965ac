# Test-only: a Python processor that misbehaves on command, so the tests can
# check that the host's limits and deny-by-default WASI hold for a CPython
# guest. Every record is forwarded unchanged, except one whose value starts
# with a command:
#
# - `spin`: loops forever (the host's CPU limit must stop it);
# - `bomb`: allocates 1 MiB after 1 MiB and keeps it (the memory cap must stop it);
# - `open <path>` / `write <path>`: opens a file to read / write it;
# - `listdir <path>`: lists a directory;
# - `socket`: creates a TCP socket; `connect <host> <port>`: connects to one;
#   `resolve <name>`: resolves a host name;
#   each of these forwards `ok: …` or `error: <exception>: <message>` and logs the error;
# - `print <text>`: prints `<text>` to stdout;
# - `raise <text>`: raises ValueError(<text>) (an `err` result: the instance goes on);
# - `exit <code>`: calls os._exit(code) (WASI exit: only this instance stops).

import logging
import os
import socket

# socket.getaddrinfo encodes host names with this codec, imported lazily: a
# plugin must import at build time whatever it needs at run time.
import encodings.idna  # noqa: F401
from dataclasses import replace

from eddy_plugin import Config, Processor, Record, export_processor, forward

logger = logging.getLogger("misbehaving")


class Misbehaving(Processor):
    def __init__(self, config: Config) -> None:
        self.hoard: list[bytearray] = []

    def process(self, record: Record) -> None:
        text = (record.value or b"").decode("utf-8")
        command, _, argument = text.partition(" ")
        if command == "spin":
            turns = 0
            while True:
                turns += 1
        elif command == "bomb":
            while True:
                self.hoard.append(bytearray(1 << 20))
        elif command in ("open", "write", "listdir", "socket", "connect", "resolve"):
            try:
                answer = "ok: " + attempt(command, argument)
            except OSError as error:
                answer = f"error: {type(error).__name__}: {error}"
                logger.warning("%s %s refused: %s", command, argument, answer)
            forward(replace(record, value=answer.encode("utf-8")))
        elif command == "print":
            print(argument)
        elif command == "raise":
            raise ValueError(argument)
        elif command == "exit":
            os._exit(int(argument))
        else:
            forward(record)


def attempt(command: str, argument: str) -> str:
    if command == "open":
        with open(argument, "rb") as file:
            return f"{len(file.read())} bytes"
    if command == "write":
        with open(argument, "w") as file:
            file.write("escaped")
        return "written"
    if command == "listdir":
        return f"{len(os.listdir(argument))} entries"
    if command == "socket":
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM):
            return "socket created"
    if command == "connect":
        host, port = argument.split(" ")
        with socket.create_connection((host, int(port)), timeout=1):
            return "connected"
    if command == "resolve":
        return repr(socket.getaddrinfo(argument, 80))
    raise AssertionError(command)


export_processor(Misbehaving)
