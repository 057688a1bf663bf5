"""A backup read and restored in a fresh process, for the bounded-memory test:

    python -m tests.restore_peak_worker URL PROFILE_ID BACKUP_FILE   (prints one JSON object)

It prints the peak resident memory the reading and restoring added (``peak_bytes``):
Linux's high-water mark (VmHWM), reset just before, less the memory resident then. A fresh
process has no freed memory to reuse, so whatever the restore needs shows; and unlike
tracemalloc it counts the database driver's memory too, without slowing Python fourfold.
"""

from __future__ import annotations

import gc
import json
import re
import sys
from pathlib import Path

from dermadash.storage import db
from dermadash.transfer import backup

_STATUS = Path("/proc/self/status")


def _kilobytes(field: str) -> int:
    found = re.search(rf"^{field}:\s+(\d+) kB$", _STATUS.read_text(), re.MULTILINE)
    if found is None:
        raise RuntimeError(f"{field} is not in {_STATUS}")
    return int(found.group(1))


def main(url: str, profile_id: int, backup_file: Path) -> None:
    engine = db.make_engine(url)
    data = backup_file.read_bytes()
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the resident size
    resident = _kilobytes("VmRSS")
    content, problems = backup.parse_backup(data)
    if content is None:
        raise SystemExit(f"the backup was refused: {problems[:3]}")
    backup.restore_backup(engine, profile_id, content)
    print(json.dumps({"peak_bytes": (_kilobytes("VmHWM") - resident) * 1024}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))
