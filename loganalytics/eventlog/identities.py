"""Sets that stay small for the millions of task events of a big log.

:class:`IdentitySet`: task events are two per task and Spark numbers tasks 0, 1, 2, ... within
an application, so they are kept as one bit per task id; every other identity (and any task id
past the bitmap) is kept as its hash, as a plain set would.

:class:`PartitionSet`: the partitions that completed, per stage, as one bit per partition.
"""

from __future__ import annotations

from .normalise import Event

_BITMAP_IDS = 1 << 27  # 16 MiB per kind at most, for 134M task ids
_TASK_KINDS = {"TaskStart": 0, "TaskEnd": 1}


class IdentitySet:
    """Which event identities were seen (hash-equal identities count as one, as in a set)."""

    __slots__ = ("_bits", "_hashes")

    def __init__(self) -> None:
        self._bits = (bytearray(), bytearray())
        self._hashes: set[int] = set()

    def _bit(self, event: Event) -> tuple[bytearray, int, int] | None:
        kind = _TASK_KINDS.get(event.kind)
        if kind is None or len(event.key) != 2:
            return None
        return self._task_bit(kind, event.key[1])

    def _task_bit(self, kind: int, task_id) -> tuple[bytearray, int, int] | None:
        if type(task_id) is not int or not 0 <= task_id < _BITMAP_IDS:
            return None
        return self._bits[kind], task_id >> 3, 1 << (task_id & 7)

    def __contains__(self, event: Event) -> bool:
        bit = self._bit(event)
        if bit is None:
            return hash(event.identity) in self._hashes
        bits, byte, mask = bit
        return byte < len(bits) and bool(bits[byte] & mask)

    def add(self, event: Event) -> bool:
        """Remember ``event``'s identity; True when it was not seen before."""
        return self._add(self._bit(event), event.identity)

    def add_identity(self, kind: str, identity: str) -> bool:
        """:meth:`add` for an event known by its kind and :attr:`Event.identity` only."""
        bit = None
        task_kind = _TASK_KINDS.get(kind)
        if task_kind is not None:
            number = identity[len(kind) + 1 :]
            if number.isascii() and number.isdigit() and identity == f"{kind}:{int(number)}":
                bit = self._task_bit(task_kind, int(number))
        return self._add(bit, identity)

    def _add(self, bit: tuple[bytearray, int, int] | None, identity: str) -> bool:
        if bit is None:
            key = hash(identity)
            if key in self._hashes:
                return False
            self._hashes.add(key)
            return True
        bits, byte, mask = bit
        if byte >= len(bits):
            bits.extend(bytes(max(byte + 1 - len(bits), len(bits))))
        if bits[byte] & mask:
            return False
        bits[byte] |= mask
        return True


_BITMAP_PARTITIONS = 1 << 24


class PartitionSet:
    """Distinct ``(stage id, partition)`` pairs; only adding and counting them are needed."""

    __slots__ = ("_bits", "_count", "_others")

    def __init__(self) -> None:
        self._bits: dict[int, bytearray] = {}
        self._others: set[tuple] = set()  # partitions no bitmap should hold (negative, huge)
        self._count = 0

    def add(self, partition: int, stage_id: int = 0) -> None:
        if type(partition) is not int or not 0 <= partition < _BITMAP_PARTITIONS:
            if (stage_id, partition) not in self._others:
                self._others.add((stage_id, partition))
                self._count += 1
            return
        bits = self._bits.get(stage_id)
        if bits is None:
            bits = self._bits[stage_id] = bytearray()
        byte, mask = partition >> 3, 1 << (partition & 7)
        if byte >= len(bits):
            bits.extend(bytes(max(byte + 1 - len(bits), len(bits))))
        if not bits[byte] & mask:
            bits[byte] |= mask
            self._count += 1

    def __len__(self) -> int:
        return self._count
