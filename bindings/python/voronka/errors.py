"""Exceptions: one class per vrk_status of the C API, carrying its message."""
from __future__ import annotations

from typing import Dict, Type


class VoronkaError(Exception):
    """A failure reported by voronka; `status` is the C code, `message` its text."""

    status: int = 0

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # KeyError would otherwise print the repr
        return self.message


class InvalidArgumentError(VoronkaError, ValueError):
    """A bad argument, option or input (VRK_INVALID_ARGUMENT)."""
    status = -1


class NotFoundError(VoronkaError, KeyError):
    """No such deal, process, file, table or column (VRK_NOT_FOUND)."""
    status = -2


class InvalidProcessError(VoronkaError, ValueError):
    """A process definition that does not validate (VRK_INVALID_PROCESS)."""
    status = -3


class IllegalTransitionError(VoronkaError, ValueError):
    """An event the deal's state does not allow (VRK_ILLEGAL_TRANSITION)."""
    status = -4


class OutOfOrderError(VoronkaError, ValueError):
    """An event earlier than the deal's last one (VRK_OUT_OF_ORDER)."""
    status = -5


class ConflictingDuplicateError(VoronkaError, ValueError):
    """A known event id with other content (VRK_CONFLICTING_DUPLICATE)."""
    status = -6


class CorruptStoreError(VoronkaError):
    """A damaged store file (VRK_CORRUPT_STORE)."""
    status = -7


class LockedError(VoronkaError):
    """Another writer holds the store (VRK_LOCKED)."""
    status = -8


class StoreIOError(VoronkaError, OSError):
    """The file system failed (VRK_IO)."""
    status = -9

    def __init__(self, message: str) -> None:
        VoronkaError.__init__(self, message)


class VersionMismatchError(VoronkaError):
    """A file or state of a newer format (VRK_VERSION_MISMATCH)."""
    status = -10


class LimitExceededError(VoronkaError):
    """A built-in limit was reached (VRK_LIMIT_EXCEEDED)."""
    status = -11


class OutOfMemoryError(VoronkaError, MemoryError):
    """An allocation failed (VRK_OUT_OF_MEMORY)."""
    status = -12


class InternalError(VoronkaError):
    """A bug in voronka (VRK_INTERNAL)."""
    status = -13


ERRORS: Dict[int, Type[VoronkaError]] = {
    cls.status: cls
    for cls in (InvalidArgumentError, NotFoundError, InvalidProcessError, IllegalTransitionError,
                OutOfOrderError, ConflictingDuplicateError, CorruptStoreError, LockedError,
                StoreIOError, VersionMismatchError, LimitExceededError, OutOfMemoryError,
                InternalError)
}


def error_for(status: int, message: str) -> VoronkaError:
    """The exception for a C status and its message."""
    cls = ERRORS.get(status)
    if cls is None:
        error = VoronkaError(f"status {status}: {message}")
        error.status = status
        return error
    return cls(message)


def check(status: int) -> None:
    """Raises the calling thread's last error when `status` is not VRK_OK."""
    if status != 0:
        from ._library import lib
        raise error_for(status, lib().vrk_last_error().decode("utf-8", "replace"))
