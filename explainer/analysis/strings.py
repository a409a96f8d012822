"""Constant propagation for strings: f-strings, ``+``, ``.format`` and ``%`` over known parts.

Formatting is re-implemented on purpose: calling ``str.format`` on user-controlled templates could
reach attributes or allocate huge paddings.
"""

from __future__ import annotations

import re

from .model import Text

FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
PERCENT = re.compile(r"%%|%(?:\((\w+)\))?s")


def join_texts(parts: list) -> Text:
    """Concatenate; a part that is not a known string makes the whole value unknown."""
    values: list[str] = []
    dynamic = False
    interpolated = False
    for part in parts:
        if isinstance(part, Text):
            dynamic = dynamic or part.dynamic or part.value is None
            interpolated = interpolated or part.interpolated
            if part.value is not None:
                values.append(str(part.value))
        else:
            dynamic = True
    return Text(None if dynamic else "".join(values), interpolated=interpolated, dynamic=dynamic)


def format_text(template: Text, args: list, kwargs: dict) -> Text:
    """``template.format(*args, **kwargs)`` for ``{}``, ``{0}`` and ``{name}`` fields."""
    if template.value is None:
        return Text(None, interpolated=True, dynamic=True)
    position = 0
    pieces: list = []
    cursor = 0
    for match in FIELD.finditer(template.value):
        pieces.append(Text(template.value[cursor : match.start()]))
        cursor = match.end()
        if match.group(0) in ("{{", "}}"):
            pieces.append(Text(match.group(0)[0]))
            continue
        name = match.group(1)
        if name == "":
            value = args[position] if position < len(args) else None
            position += 1
        elif name.isdigit():
            index = int(name)
            value = args[index] if index < len(args) else None
        else:
            value = kwargs.get(name)
        pieces.append(value)
    pieces.append(Text(template.value[cursor:]))
    text = join_texts(pieces)
    text.interpolated = True
    return text


def percent_format(template: Text, right) -> Text:
    """``template % values`` for ``%s`` and ``%(name)s`` only."""
    if template.value is None:
        return Text(None, interpolated=True, dynamic=True)
    values = right if isinstance(right, list) else [right]
    pieces: list = []
    cursor = 0
    position = 0
    for match in PERCENT.finditer(template.value):
        pieces.append(Text(template.value[cursor : match.start()]))
        cursor = match.end()
        if match.group(0) == "%%":
            pieces.append(Text("%"))
        elif match.group(1):
            pieces.append(right.get(match.group(1)) if isinstance(right, dict) else None)
        else:
            pieces.append(values[position] if position < len(values) else None)
            position += 1
    pieces.append(Text(template.value[cursor:]))
    text = join_texts(pieces)
    text.interpolated = True
    return text
