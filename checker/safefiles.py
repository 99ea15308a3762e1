"""Reading and writing files that someone else may have planted.

matproof reads files it did not write — a folder of theorems from a pull
request, a proof cache restored from shared storage — and keeps caches of its
own in folders other users may reach. None of them is followed blindly:

* a file is read only if it is a regular file (a FIFO would hang the read, a
  symlink to /dev/zero would fill the memory), opened without following a
  final symlink, and only up to a size cap;
* a file is written through a fresh temporary beside it, created exclusively
  (`O_EXCL`: a planted `<name>.tmp` symlink cannot redirect the write), then
  renamed over the target;
* a cache folder of matproof's own is used only if it is a real folder owned
  by this user that no one else can write (`private_dir`): only then may a
  file in it be trusted not to have been planted (lark's parser tables, which
  are unpickled, live there).
"""
from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

#: the most bytes a theorem file, document or cache entry may have (a theorem file of
#: 16 MiB is already absurd; the cap keeps a planted huge file from exhausting memory)
MAX_BYTES = 16 * 1024 * 1024


class NotRegular(OSError):
    """A path that is not a regular file (a FIFO, a device, a folder, a dangling symlink)."""


def read_bytes(path: str | Path, limit: int = MAX_BYTES, follow: bool = True) -> bytes:
    """The bytes of a regular file, at most `limit` of them (OSError beyond: too large).
    `follow=False` refuses a symlink as the last part of the path (cache entries)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(f"{path} is not a regular file")
        if info.st_size > limit:
            raise OSError(f"{path} is larger than {limit // (1024 * 1024)} MiB")
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise OSError(f"{path} is larger than {limit // (1024 * 1024)} MiB")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: str | Path, limit: int = MAX_BYTES, follow: bool = True) -> str:
    return read_bytes(path, limit, follow).decode("utf-8")


def is_regular(path: Path) -> bool:
    """Whether `path` (following symlinks) is a regular file, without opening it."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through an exclusively created temporary in the same folder
    (OSError if that cannot be done)."""
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise


def private_dir(path: Path) -> Path | None:
    """`path`, made if need be (mode 0700), if it is a folder of this user's that no one else
    can write into; else None (the caller then keeps nothing on disk)."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & 0o022:
        return None
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return None
    return path


def owned_file(path: Path) -> bool:
    """Whether `path` is a regular file (not a symlink) of this user's that no one else can
    write: what may be trusted in a private folder."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return (stat.S_ISREG(info.st_mode) and not info.st_mode & 0o022
            and (not hasattr(os, "getuid") or info.st_uid == os.getuid()))
