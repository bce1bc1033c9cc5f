"""Writing result files: whole or not at all."""
import os
from pathlib import Path


def write_atomically(path, text):
    """Writes text to path through a temporary file renamed into place, so a failed or
    interrupted run never leaves half a page (or table) in place of the last good one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp.{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
