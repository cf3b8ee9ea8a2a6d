"""Regenerate tests/replay/histories/*.json from real runs: `.venv/bin/python tests/replay/regenerate.py`.

Do this only for new paths; an existing history must keep replaying after a workflow change (use
`workflow.patched`), so never regenerate to make a failing replay pass.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

if __name__ == "__main__":
    env = {**os.environ, "GW_RECORD_HISTORIES": "1"}
    sys.exit(subprocess.call([sys.executable, "-m", "pytest", "-q", "tests/replay/test_record_histories.py",
                              "tests/replay/test_record_mail_delivery.py", *sys.argv[1:]], cwd=ROOT, env=env))
