"""Writing result files: whole or not at all, and never over something that is not a file.

The Python side of sim/files.c: a target is checked before any work (check_output), written
to a temporary file beside it and published when whole: flushed, moved into place without
replacing a file that appeared meanwhile unless force, and the folder flushed."""
import os
import socket
import stat
from pathlib import Path


def check_output(path, force):
    """None when path may be written, else a message naming the target and what is expected:
    a non-empty name, absent or (with force) a regular file, in an existing writable folder."""
    text = str(path)
    if not text:
        return "the output file name is empty; expected a file name"
    path = Path(text)
    if text.endswith("/") or path.is_dir():
        return f"{text}: is a folder; expected an output file name"
    try:
        st = os.stat(text)
    except FileNotFoundError:
        st = None
    except OSError as e:
        return f"{text}: cannot be checked ({e.strerror})"
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            return f"{text}: exists and is not a regular file; expected an output file name"
        if not force:
            return f"{text}: exists; use --force to overwrite it"
    folder = path.parent
    if not folder.is_dir():
        return f"{text}: its folder {folder} does not exist; expected a file in an existing folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"{text}: its folder {folder} is not writable"
    return None


def _sync_folder(folder):
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder
    finally:
        os.close(fd)


def write_atomically(path, text, force=True, make_folder=True):
    """Writes text to path through a temporary file published when whole, so a failed or
    interrupted run never leaves half a page (or table) in place of the last good one. Without
    force an existing path is never replaced (FileExistsError); a target that is not a regular
    file never is (IsADirectoryError or FileExistsError)."""
    path = Path(path)
    if make_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp.{socket.gethostname().replace('/', '_')}.{os.getpid()}")
    try:
        with open(tmp, "x", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if force:
            if path.exists() and not path.is_file():
                raise FileExistsError(f"{path}: exists and is not a regular file")
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails on an existing name: nothing is replaced
            tmp.unlink()
        _sync_folder(path.parent)
    finally:
        if tmp.exists():
            tmp.unlink()
