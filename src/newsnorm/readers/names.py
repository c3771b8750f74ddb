"""File names as text, losslessly: Linux names are bytes, Arrow strings and JSON are UTF-8.

Python holds an undecodable byte of a name as a lone surrogate (PEP 383), which no UTF-8
writer accepts. `as_text` writes such a name with each undecodable byte as `\\xNN` and, in
those names only, each backslash as `\\x5c`; names that are valid UTF-8 (nearly all) stay as
they are. `as_os` turns the text back into the name the system knows.
"""

from __future__ import annotations

import os
import re

_ESCAPE = re.compile(r"\\x([0-9a-f]{2})")


def is_text(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def as_text(name: str) -> str:
    """A name (str from os/pathlib) as UTF-8-safe text; unchanged when it is valid UTF-8."""
    if is_text(name):
        return name
    raw = os.fsencode(name).replace(b"\\", b"\\x5c")
    return raw.decode("utf-8", "backslashreplace")


def as_os(text: str) -> str:
    """The name `as_text` gave `text` for (a valid UTF-8 name that exists wins over an escape)."""
    if "\\x" not in text or os.path.lexists(text):
        return text
    out = bytearray()
    i = 0
    while i < len(text):
        m = _ESCAPE.match(text, i)
        if m and (int(m.group(1), 16) >= 0x80 or m.group(1) == "5c"):
            out.append(int(m.group(1), 16))
            i = m.end()
        else:
            out.extend(text[i].encode("utf-8"))
            i += 1
    return os.fsdecode(bytes(out))
