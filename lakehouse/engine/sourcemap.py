"""Map config paths to the file and line that define them.

pyhocon keeps no positions, so error messages would otherwise say *what* is wrong but not
*where*. This scanner reads the HOCON text just well enough to follow keys, objects, arrays,
comments, strings and includes; the last definition of a path wins, as in HOCON itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_INCLUDE = re.compile(
    r'include\s+(?:required\s*\(\s*)?(?:(?:file|url|classpath)\s*\(\s*)?"([^"]+)"'
)
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_KEY_CHARS = re.compile(
    rf'(?:{_QUOTED}|[^\s=:{{}}\[\],#"+.]+)(?:\.(?:{_QUOTED}|[^\s=:{{}}\[\],#"+.]+))*'
)


@dataclass
class Location:
    file: str
    line: int


@dataclass
class SourceMap:
    locations: dict[str, Location] = field(default_factory=dict)
    missing_includes: list[tuple[str, Location]] = field(default_factory=list)

    def locate(self, path: str) -> Location | None:
        """The location of ``path`` or of its nearest defined parent."""
        while path:
            if path in self.locations:
                return self.locations[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None

    def add_overrides(self, keys: list[str]) -> None:
        for key in keys:
            self.locations[key] = Location("--set", 0)
            for existing in list(self.locations):
                if existing.startswith(key + ".") or existing.startswith(key + "["):
                    del self.locations[existing]


def _split_key(raw: str) -> list[str]:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"|([^.]+)', raw)
    return [quoted or plain for quoted, plain in parts]


def _join(prefix: str, parts: list[str]) -> str:
    path = prefix
    for part in parts:
        path = f"{path}.{part}" if path else part
    return path


def scan(
    text: str, file: str, basedir: Path | None, sourcemap: SourceMap, prefix: str = ""
) -> None:
    """Record the line of every key in ``text`` (recursing into includes) into ``sourcemap``."""
    # Each frame: (kind, path, next_array_index); "object" frames expect keys.
    stack: list[list] = [["object", prefix, 0]]
    pending_key: str | None = None
    i, line, n = 0, 1, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
            continue
        if ch in " \t\r,":
            i += 1
            continue
        if ch == "#" or text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        kind, path, _ = stack[-1]
        if text.startswith('"""', i):
            end = text.find('"""', i + 3)
            end = n if end < 0 else end + 3
            line += text.count("\n", i, end)
            i = end
            pending_key = None
            continue
        if ch == "{":
            if kind == "array":
                stack[-1][2] += 1
                element = f"{path}[{stack[-1][2] - 1}]"
                sourcemap.locations[element] = Location(file, line)
                stack.append(["object", element, 0])
            else:
                stack.append(["object", pending_key if pending_key is not None else path, 0])
            pending_key = None
            i += 1
            continue
        if ch == "[":
            stack.append(["array", pending_key if pending_key is not None else path, 0])
            pending_key = None
            i += 1
            continue
        if ch in "}]":
            if len(stack) > 1:
                stack.pop()
            i += 1
            continue
        if kind == "object" and pending_key is None:
            include = _INCLUDE.match(text, i)
            if include:
                _scan_include(include.group(1), file, line, basedir, sourcemap, path)
                i = include.end()
                continue
            key = _KEY_CHARS.match(text, i)
            if key:
                full = _join(path, _split_key(key.group(0)))
                sourcemap.locations[full] = Location(file, line)
                i = key.end()
                while i < n and text[i] in " \t":
                    i += 1
                if text.startswith("+=", i):
                    i += 2
                elif i < n and text[i] in "=:":
                    i += 1
                pending_key = full
                continue
        # A scalar value, possibly concatenated with strings and substitutions: skip it.
        pending_key = None
        while i < n and text[i] not in "\n,}]#" and not text.startswith("//", i):
            if text.startswith("${", i):
                end = text.find("}", i)
                i = n if end < 0 else end + 1
            elif text[i] == '"':
                i += 1
                while i < n and text[i] != '"':
                    i += 2 if text[i] == "\\" else 1
                i += 1
            elif text[i] in "{[":
                break
            else:
                i += 1


def _scan_include(
    name: str, file: str, line: int, basedir: Path | None, sourcemap: SourceMap, prefix: str
) -> None:
    if name.startswith(("http://", "https://")):
        return
    target = Path(name.removeprefix("file://"))
    if basedir is not None and not target.is_absolute():
        target = basedir / target
    if not target.is_file():
        sourcemap.missing_includes.append((str(target), Location(file, line)))
        return
    scan(target.read_text(encoding="utf-8"), str(target), target.parent, sourcemap, prefix)
