"""Streaming decompression of every codec Spark writes event logs with.

Each decoder takes a binary file object and yields decompressed chunks, holding at most one
compressed block (or one read buffer) in memory, so memory does not grow with the log's size.

Spark's framings are not the formats the usual command-line tools read:

- ``zstd``: standard zstd frames (zstd-jni), possibly several concatenated.
- ``lz4``: lz4-java's ``LZ4BlockOutputStream``: blocks of ``"LZ4Block"``, a token byte, then
  little-endian compressed length, original length and checksum, then the block.
- ``snappy``: snappy-java's ``SnappyOutputStream``: a 16-byte header (magic + two versions), then
  blocks of a big-endian length and raw snappy data.
- ``lzf``: compress-lzf chunks: ``"ZV"``, a type byte, big-endian lengths, then the chunk.

A block cut short at the end of the file is what a log still being written looks like, so it
ends the stream quietly (the reader then drops the incomplete last line); anything else that
does not match the framing raises :class:`EventLogError`.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from typing import BinaryIO

import cramjam
import lz4.block
import zstandard

from .errors import EventLogError

READ_SIZE = 1 << 20
MAX_BLOCK = 64 << 20  # no Spark codec writes blocks anywhere near this; larger means garbage

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
LZ4_MAGIC = b"LZ4Block"
SNAPPY_MAGIC = b"\x82SNAPPY\x00"
LZF_MAGIC = b"ZV"

Decoder = Callable[[BinaryIO], Iterator[bytes]]


def _plain(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(READ_SIZE):
        yield chunk


def _zstd(stream: BinaryIO) -> Iterator[bytes]:
    reader = zstandard.ZstdDecompressor().stream_reader(stream, read_across_frames=True)
    try:
        while chunk := reader.read(READ_SIZE):
            yield chunk
    except zstandard.ZstdError as exc:
        raise EventLogError(f"not a valid zstd stream ({exc})") from exc


def _read_exact(stream: BinaryIO, size: int) -> bytes | None:
    """``size`` bytes, or ``None`` when the file ends first (a block still being written)."""
    data = stream.read(size)
    while len(data) < size:
        more = stream.read(size - len(data))
        if not more:
            return None
        data += more
    return data


def _lz4(stream: BinaryIO) -> Iterator[bytes]:
    header = struct.Struct("<Biii")
    while True:
        magic = stream.read(len(LZ4_MAGIC))
        if not magic:
            return
        if magic != LZ4_MAGIC:
            if len(magic) < len(LZ4_MAGIC) and LZ4_MAGIC.startswith(magic):
                return
            raise EventLogError("not an lz4 event log: block does not start with 'LZ4Block'")
        fields = _read_exact(stream, header.size)
        if fields is None:
            return
        token, compressed, original, _checksum = header.unpack(fields)
        method = token & 0xF0
        if method not in (0x10, 0x20) or not 0 <= compressed <= MAX_BLOCK or original < 0:
            raise EventLogError("corrupt lz4 block header")
        if original == 0:
            continue  # the end-of-stream marker; another concatenated stream may follow
        data = _read_exact(stream, compressed)
        if data is None:
            return
        if method == 0x10:
            yield data
            continue
        try:
            yield lz4.block.decompress(data, uncompressed_size=original)
        except lz4.block.LZ4BlockError as exc:
            raise EventLogError(f"corrupt lz4 block ({exc})") from exc


def _snappy(stream: BinaryIO) -> Iterator[bytes]:
    header = _read_exact(stream, 16)
    if header is None or not header.startswith(SNAPPY_MAGIC):
        raise EventLogError("not a snappy event log: missing the snappy-java stream header")
    while True:
        length_bytes = stream.read(4)
        if len(length_bytes) < 4:
            return
        if length_bytes == SNAPPY_MAGIC[:4]:
            # A concatenated stream starts again with its own header.
            if _read_exact(stream, 12) is None:
                return
            continue
        (length,) = struct.unpack(">i", length_bytes)
        if not 0 <= length <= MAX_BLOCK:
            raise EventLogError("corrupt snappy block length")
        data = _read_exact(stream, length)
        if data is None:
            return
        try:
            yield bytes(cramjam.snappy.decompress_raw(data))
        except cramjam.DecompressionError as exc:
            raise EventLogError(f"corrupt snappy block ({exc})") from exc


def _lzf(stream: BinaryIO) -> Iterator[bytes]:
    while True:
        head = stream.read(5)
        if not head:
            return
        if len(head) < 5:
            return
        if head[:2] != LZF_MAGIC or head[2] not in (0, 1):
            raise EventLogError("not an lzf event log: chunk does not start with 'ZV'")
        (length,) = struct.unpack(">H", head[3:5])
        if head[2] == 0:
            data = _read_exact(stream, length)
            if data is None:
                return
            yield data
            continue
        original_bytes = _read_exact(stream, 2)
        data = _read_exact(stream, length)
        if original_bytes is None or data is None:
            return
        (original,) = struct.unpack(">H", original_bytes)
        yield lzf_decompress(data, original)


def lzf_decompress(data: bytes, original: int) -> bytes:
    """Decode one LZF chunk (pure Python: no maintained LZF wheel exists for Python 3.11)."""
    out = bytearray()
    position, end = 0, len(data)
    try:
        while position < end:
            control = data[position]
            position += 1
            if control < 32:
                run = control + 1
                out += data[position : position + run]
                position += run
                continue
            length = control >> 5
            if length == 7:
                length += data[position]
                position += 1
            start = len(out) - ((control & 0x1F) << 8) - data[position] - 1
            position += 1
            length += 2
            if start < 0:
                raise EventLogError("corrupt lzf chunk: back-reference before the start")
            distance = len(out) - start
            if length <= distance:
                out += out[start : start + length]
            else:
                pattern = bytes(out[start:])
                out += (pattern * (length // distance + 1))[:length]
    except IndexError as exc:
        raise EventLogError("corrupt lzf chunk: ends inside a sequence") from exc
    if len(out) != original:
        raise EventLogError(f"corrupt lzf chunk: {len(out)} bytes decoded, {original} expected")
    return bytes(out)


DECODERS: dict[str, Decoder] = {
    "plain": _plain,
    "zstd": _zstd,
    "lz4": _lz4,
    "snappy": _snappy,
    "lzf": _lzf,
}

# Spark names the codec by the file's extension (``app-1.zstd``); ``zst`` is a common rename.
EXTENSIONS = {"zstd": "zstd", "zst": "zstd", "lz4": "lz4", "snappy": "snappy", "lzf": "lzf"}


def sniff_codec(head: bytes) -> str | None:
    """The codec announced by a file's first bytes, if any."""
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    if head.startswith(LZ4_MAGIC):
        return "lz4"
    if head.startswith(SNAPPY_MAGIC):
        return "snappy"
    if head.startswith(LZF_MAGIC) and len(head) > 2 and head[2] in (0, 1):
        return "lzf"
    return None


def codec_from_name(name: str) -> str | None:
    """The codec Spark encoded in a log file's name, ignoring ``.inprogress``/``.compact``."""
    stem = name.removesuffix(".inprogress").removesuffix(".compact")
    _, dot, extension = stem.rpartition(".")
    return EXTENSIONS.get(extension.lower()) if dot else None
