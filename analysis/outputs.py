"""Every file a command writes goes through here: atomic, per-process, all or nothing.

* :func:`atomic_write` writes one file under a temporary name private to this
  process (``.<name>.<pid>.<random>.tmp`` in the same folder) and renames it
  into place with ``os.replace``; on any ``OSError`` (a full disk, a read-only
  folder) the temporary file is removed and the error is one line
  (:class:`~analysis.errors.UserError`), so no partial file is ever left.
* :class:`Transaction` groups the files of one command (tables, metadata,
  figures): each is staged under its temporary name and all are renamed into
  place only when the command finished; a failure anywhere discards them all.
* :class:`FolderLock` (``<out>/.lock`` holding the pid) refuses a second run on
  a folder in use, in one line; a lock left by a process that no longer
  exists is taken over.
* :func:`check_writable` refuses an output folder that cannot be written,
  before any computing.

The CLI opens one :func:`command_output` around every command that has
``--out``; library code calls :func:`atomic_write` or :func:`stage`.
"""
from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import UserError

LOCK = ".lock"


def temp_path(final: str | os.PathLike) -> Path:
    """A temporary name beside ``final``, unique to this process and call."""
    final = Path(final)
    return final.with_name(f".{final.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def cannot_write(path: str | os.PathLike, exc: OSError) -> UserError:
    """The one line for a failed write."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    hint = ("free some space or choose another output folder" if exc.errno == errno.ENOSPC
            else "choose another output folder")
    return UserError(f"cannot write {path}: {reason}; {hint} (nothing was left half-written)")


def atomic_write(final: str | os.PathLike, writer: Callable[[Path], object]) -> Path:
    """Call ``writer(tmp)`` to write ``final``'s content to a private temporary
    file, then rename it into place. No partial file survives a failure."""
    final = Path(final)
    tmp = temp_path(final)
    try:
        writer(tmp)
        os.replace(tmp, final)
    except OSError as exc:
        _remove(tmp)
        raise cannot_write(final, exc) from None
    except BaseException:
        _remove(tmp)
        raise
    return final


def atomic_text(final: str | os.PathLike, text: str) -> Path:
    return atomic_write(final, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


class Transaction:
    """Files staged under temporary names, renamed into place together by
    :meth:`commit`, removed by :meth:`rollback`."""

    def __init__(self) -> None:
        self.staged: dict[Path, Path] = {}    # final -> temporary

    def stage(self, final: str | os.PathLike, writer: Callable[[Path], object]) -> Path:
        final = Path(final)
        tmp = temp_path(final)
        try:
            writer(tmp)
        except OSError as exc:
            _remove(tmp)
            raise cannot_write(final, exc) from None
        except BaseException:
            _remove(tmp)
            raise
        old = self.staged.pop(final, None)
        if old is not None:
            _remove(old)
        self.staged[final] = tmp
        return final

    def staged_text(self, final: str | os.PathLike) -> str | None:
        """The staged content of ``final`` (for merging), or None."""
        tmp = self.staged.get(Path(final))
        return None if tmp is None else tmp.read_text(encoding="utf-8")

    def commit(self) -> list[Path]:
        done = []
        try:
            for final, tmp in list(self.staged.items()):
                os.replace(tmp, final)
                del self.staged[final]
                done.append(final)
        except OSError as exc:
            self.rollback()
            raise cannot_write(final, exc) from None
        return done

    def rollback(self) -> None:
        for tmp in self.staged.values():
            _remove(tmp)
        self.staged.clear()


_ACTIVE: list[Transaction] = []


def active() -> Transaction | None:
    """The transaction of the running command, if any."""
    return _ACTIVE[-1] if _ACTIVE else None


def current(path: str | os.PathLike) -> Path:
    """Where ``path``'s newest content is now: its staged temporary file in the
    running command's transaction, else ``path`` itself."""
    transaction = active()
    staged = None if transaction is None else transaction.staged.get(Path(path))
    return Path(path) if staged is None else staged


def stage(final: str | os.PathLike, writer: Callable[[Path], object]) -> Path:
    """Write ``final`` in the running command's transaction (renamed into place when
    the command succeeds), or atomically at once outside a command."""
    transaction = active()
    if transaction is None:
        return atomic_write(final, writer)
    return transaction.stage(final, writer)


@contextlib.contextmanager
def transaction() -> Iterator[Transaction]:
    """All files staged inside land together on success; none on failure."""
    t = Transaction()
    _ACTIVE.append(t)
    try:
        yield t
    except BaseException:
        t.rollback()
        raise
    finally:
        _ACTIVE.remove(t)
    t.commit()


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class FolderLock:
    """``<folder>/.lock`` with this process' pid while a command writes there."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)
        self.path = self.folder / LOCK
        self.held = False

    def acquire(self) -> FolderLock:
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                owner = self._owner()
                if owner is not None and owner != os.getpid() and _alive(owner):
                    raise UserError(f"{self.folder} is in use by another run (pid {owner}); "
                                    "wait for it to finish or choose another output folder "
                                    f"(if pid {owner} is not such a run, remove "
                                    f"{self.path})") from None
                # stale (its process is gone) or unreadable: take it over atomically
                atomic_text(self.path, f"{os.getpid()}\n")
                if self._owner() == os.getpid():
                    self.held = True
                    return self
                continue
            except OSError as exc:
                raise cannot_write(self.path, exc) from None
            with os.fdopen(fd, "w") as fh:
                fh.write(f"{os.getpid()}\n")
            self.held = True
            return self
        raise UserError(f"{self.folder} is in use by another run; choose another output folder")

    def _owner(self) -> int | None:
        try:
            return int(self.path.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def release(self) -> None:
        if self.held and self._owner() == os.getpid():
            _remove(self.path)
        self.held = False

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def check_writable(out: str | os.PathLike | None, option: str = "--out") -> Path:
    """The output folder, created and probed for writing; one line if it cannot be."""
    if out is None or not str(out).strip():
        raise UserError(f"{option} is empty; give an output folder (for example "
                        "results/mine)")
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{option} {folder} is a file; give a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = temp_path(folder / "write-test")
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise UserError(f"cannot write to {option} {folder}: {exc.strerror or exc}; choose "
                        "another output folder") from None
    return folder


@contextlib.contextmanager
def command_output(out: str | os.PathLike | None) -> Iterator[Path]:
    """Around one command writing to ``out``: checked before computing, locked
    against other runs, every staged file renamed into place only on success. A
    folder this command created and left empty is removed on failure."""
    existed = out is not None and str(out).strip() != "" and Path(out).is_dir()
    folder = check_writable(out)
    lock = FolderLock(folder).acquire()
    ok = False
    try:
        with transaction():
            yield folder
        ok = True
    finally:
        lock.release()
        if not ok and not existed:
            with contextlib.suppress(OSError):
                folder.rmdir()
