"""One app process's password tries, for the shared-brake test:

    python -m tests.brake_worker URL ADDRESS COUNT   (prints one JSON list of the waits)

Each try is a wrong password; 0 means the brake let it through to the check.
"""

from __future__ import annotations

import json
import sys

from dermadash.server import password_brake
from dermadash.storage import db


def main(url: str, address: str, count: int) -> None:
    engine = db.make_engine(url)
    waits = [
        password_brake.sign_in(engine, address, lambda: False).wait_seconds for _ in range(count)
    ]
    print(json.dumps(waits))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
