"""Writing files safely: check the destination first, then replace it atomically.

Every file neuronsim writes (``net.save``, and on the command line ``train
--out``, ``predict --out``, ``export --out``, ``explain --svg``) goes through
:func:`write_file`:

1. **Check before any work** (:func:`check_destination`, which the command
   line calls before it reads or trains anything): the name is not empty;
   its folder exists and can be written; it is not a folder, a device, a
   pipe, a socket or any other non-regular file; it is not one of the files
   the command reads (``inputs``); it has only one name (see hard links).
2. **Write a temporary file in the destination's real folder**: a symlink is
   followed to its target, so the link survives and its target gets the new
   contents.  The new file keeps the old one's permission bits (a new file
   gets what ``open()`` would give it) and, where the system allows, its
   owner and group.
3. **flush, fsync, os.replace**: the file is either the old one or the new
   one, never half-written, even if the disk fills or the process dies; no
   temporary file is left behind; the folder is synced too.

Any problem raises an ``OSError`` naming the caller's path (never the
temporary file): :class:`DestinationError` for a destination refused by the
checks, the system's own ``OSError`` (with ``filename`` set to the caller's
path) for a failure while writing, such as a full disk.

**Hard links.**  ``os.replace`` gives the path a new inode, so a file with
several names (hard links) would be split: the other names would silently
keep the old contents.  Writing in place instead would give up atomicity,
and which of the two a user wants cannot be known (hard links are also how
backup snapshots share files, which must *not* change).  So a destination
with more than one link is refused, with a message saying so; remove the
other names (or write elsewhere) first.

>>> import os, shutil, tempfile
>>> folder = tempfile.mkdtemp()
>>> path = os.path.join(folder, "model.json")
>>> write_file(path, "{}")
>>> os.listdir(folder), open(path).read()
(['model.json'], '{}')
>>> os.link(path, path + ".backup")
>>> write_file(path, "{ }")  # doctest: +ELLIPSIS
Traceback (most recent call last):
  ...
neuronsim.files.DestinationError: path: ...model.json has 2 hard links; replacing it would ...
>>> write_file(folder, "{ }")  # doctest: +ELLIPSIS
Traceback (most recent call last):
  ...
neuronsim.files.DestinationError: path: ... is a folder, not a regular file
>>> shutil.rmtree(folder)

This module needs ``os.replace``, ``os.fsync`` and ``tempfile``: CPython and
PyPy (it is imported only when a file is written, never by the loader).
"""

import os
import stat
import tempfile


class DestinationError(OSError):
    """A destination neuronsim will not write: a folder, a device, a missing
    folder, an input file, a hard-linked file…  The message names the
    argument and the path as the caller gave them."""


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISSOCK, "a socket"))


def _kind(mode):
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _refuse(argument, path, problem):
    raise DestinationError("%s: %s %s" % (argument, path, problem))


def _writable_folder(folder):
    if os.access in os.supports_effective_ids:
        return os.access(folder, os.W_OK | os.X_OK, effective_ids=True)
    return os.access(folder, os.W_OK | os.X_OK)


def check_destination(path, argument="path", inputs=()):
    """Check that ``path`` can be written safely; return the real path to replace.

    ``argument`` names the path in messages (``"--out"`` on the command
    line); ``inputs`` are files the caller reads, which must not be
    overwritten.  Nothing is created or changed.  Raises
    :class:`DestinationError` (an ``OSError``) or ``TypeError``.
    """
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    if not isinstance(path, str):
        raise TypeError("%s: expected a file name (a str or a path), got %r (%s)"
                        % (argument, path, type(path).__name__))
    if path == "":
        raise DestinationError("%s: expected a file name, got ''" % argument)
    try:
        info = os.stat(path)                     # follows symlinks to the file itself
    except FileNotFoundError:
        info = None
    except OSError as error:                     # ELOOP, ENOTDIR, EACCES on the way
        raise DestinationError("%s: %s: %s" % (argument, path, error.strerror))
    real = os.path.realpath(path)
    via = "" if real == os.path.abspath(path) else " (a link to %s)" % real
    if info is not None:
        if not stat.S_ISREG(info.st_mode):
            _refuse(argument, path, "is %s, not a regular file%s" % (_kind(info.st_mode), via))
        for source in inputs:
            try:
                same = os.path.samestat(info, os.stat(source))
            except (OSError, TypeError, ValueError):
                same = False
            if same:
                _refuse(argument, path, "is the input file%s: choose another name for the output"
                        % ("" if os.fspath(source) == path else " " + os.fspath(source)))
        if info.st_nlink > 1:
            _refuse(argument, path, "has %d hard links%s; replacing it would leave the other "
                    "names with the old contents: remove them, or write to another file"
                    % (info.st_nlink, via))
    elif path.endswith(("/", os.sep)):
        _refuse(argument, path, "names a folder, not a file")
    folder = os.path.dirname(real)
    if not os.path.isdir(folder):
        _refuse(argument, path, "cannot be written: no such folder %s%s"
                % (os.path.dirname(path) if not via else folder, via))
    if not _writable_folder(folder):
        _refuse(argument, path, "cannot be written: no permission to create files in %s%s"
                % (folder, via))
    return real


def _named(error, path):
    """The same OSError, naming the caller's path instead of the temporary file."""
    if error.errno is None:
        return OSError("%s: %s" % (path, error))
    return OSError(error.errno, error.strerror, path)


def _fsync_folder(folder):
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def write_file(path, data, argument="path", inputs=()):
    """Write ``data`` (str, written as UTF-8, or bytes) to ``path`` atomically.

    The destination is checked first (:func:`check_destination`, with
    ``argument`` and ``inputs``); then a temporary file in the target's real
    folder is written, flushed, synced and renamed over the target.  On any
    failure the old file is left as it was and the temporary file is
    removed; an ``OSError`` names ``path``, not the temporary file.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    elif not isinstance(data, bytes):
        raise TypeError("data: expected str or bytes, got %s" % type(data).__name__)
    real = check_destination(path, argument, inputs)
    shown = os.fspath(path)
    try:
        old = os.stat(real)
    except FileNotFoundError:
        old = None
    folder, name = os.path.split(real)
    try:
        handle, temporary = tempfile.mkstemp(prefix="." + name + ".", suffix=".tmp",
                                             dir=folder)
    except OSError as error:
        raise _named(error, shown) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            if old is None:                      # a new file: what open() would give it
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(temporary, 0o666 & ~umask)
            else:                                # the old file's permission bits and owner
                os.chmod(temporary, stat.S_IMODE(old.st_mode))
                if hasattr(os, "chown") and (old.st_uid, old.st_gid) != (os.geteuid(),
                                                                         os.getegid()):
                    try:
                        os.chown(temporary, old.st_uid, old.st_gid)
                    except OSError:              # only root may give a file away
                        pass
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, real)
    except BaseException as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(error, OSError) and not isinstance(error, DestinationError):
            raise _named(error, shown) from None
        raise
    _fsync_folder(folder)
