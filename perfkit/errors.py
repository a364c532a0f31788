"""perfkit's exceptions: one base class, a few specific subclasses.

Every message says what is wrong, where (file, row, column, key) and how to fix it.
"""

from __future__ import annotations


class PerfkitError(Exception):
    """Base class of every error perfkit raises on purpose."""

    def __init__(self, msg: str) -> None:
        super().__init__(msg)


class PeriodError(PerfkitError, ValueError):
    """A period label that cannot be read, or period arithmetic that makes no sense."""


class ConfigError(PerfkitError):
    """A params file (catalogue, comparator group, calendar) is invalid."""


class IngestError(PerfkitError):
    """A data file was rejected; nothing from it was written.

    ``problems`` holds one :class:`perfkit.ingest.Problem` per bad cell or row.
    """

    def __init__(self, msg: str, problems: list | None = None) -> None:
        super().__init__(msg)
        self.problems = list(problems or [])


class StoreError(PerfkitError):
    """The store cannot be opened or queried."""


#: What an operating-system error means for the person running perfkit, and what to do.
_OS_WORDS = {
    "EPERM": "the operating system refused the change (the file or folder is locked: immutable, or read-only to you); "
             "ask whoever manages the machine to make it writable (`lsattr` shows an immutable 'i' flag), or choose another folder",
    "EACCES": "permission denied (the file or folder is read-only to you or belongs to another user); make it writable "
              "(`ls -l` shows who owns it) or choose another folder",
    "EROFS": "the disk is mounted read-only; choose a folder on a writable disk",
    "ENOSPC": "the disk is full; free some space and run it again",
    "EDQUOT": "your disk quota is used up; free some space and run it again",
    "ENOENT": "no such file or folder; check the path",
    "EISDIR": "that is a folder, not a file; give the file's path",
    "ENOTDIR": "a part of the path is a file, not a folder; check the path",
    "EBUSY": "the file is in use by another program; close it and run it again",
}


def os_error_words(exc: OSError) -> str:
    """An :class:`OSError` in plain words: which file, what happened and the fix, never "[Errno 1] ...".

    >>> print(os_error_words(PermissionError(1, "Operation not permitted", "outputs/index.html")))
    could not write outputs/index.html: the operating system refused the change (the file or folder is locked: ...
    """
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    where = str(exc.filename or "")
    if "/" in where and where.rsplit("/", 1)[1].startswith(".") and ".tmp" in where:  # perfkit's atomic writer's temporary file
        where = f"in the folder {where.rsplit('/', 1)[0]}"
    doing = "write" if name in ("EPERM", "EACCES", "EROFS", "ENOSPC", "EDQUOT", "EBUSY") else "use"
    words = _OS_WORDS.get(name) or (exc.strerror or str(exc)).rstrip(".").lower()
    return f"could not {doing} {where}: {words}" if where else f"{words[0].upper()}{words[1:]}"


class Stopped(PerfkitError):
    """A command stopped by Ctrl-C (SIGINT) or SIGTERM after undoing what it had half done;
    the message says what was kept. ``code`` is the exit code a shell expects (128 + the signal)."""

    def __init__(self, msg: str, code: int = 130) -> None:
        super().__init__(msg)
        self.code = code
