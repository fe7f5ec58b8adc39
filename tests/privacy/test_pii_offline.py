"""The detector is built and used with no network: no spaCy model, no suffix list."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter so no earlier import (tldextract's module-level extractor,
# spaCy) hides an attempt. Every way out to the network is recorded, not just refused:
# tldextract swallows connection errors and falls back to its snapshot.
GUARD = """
import socket
attempts = []
def refuse(*args, **kwargs):
    attempts.append(args[:2])
    raise OSError("network disabled by the test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
"""

USE_DETECTOR = GUARD + """
from privacy.detect import PIIDetector
from privacy.redact import redact
detector = PIIDetector()
findings = detector.detect("call +1 305 555 0143 or ana@lacocina.com.mx -- Ana")
assert [f.type.value for f in findings] == ["PHONE_NUMBER", "EMAIL_ADDRESS", "PERSON"], findings
assert redact("mail ana@gmail.com") == "mail <EMAIL_ADDRESS>"
print("attempts:", len(attempts))
"""

# The same guard around tldextract's default extractor, which does try to download.
DEFAULT_TLDEXTRACT = GUARD + """
import tldextract
tldextract.TLDExtract()("ana@lacocina.com.mx")
print("attempts:", len(attempts))
"""


def run(script: str, home: Path) -> str:
    """stdout of `script` in a fresh interpreter with an empty cache and no PSL setting."""
    env = {k: v for k, v in os.environ.items() if k != "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_building_and_using_the_detector_makes_no_network_attempt(tmp_path: Path) -> None:
    """Build, detect and redact with every socket call recorded: none happens."""
    assert "attempts: 0" in run(USE_DETECTOR, tmp_path)


def test_the_guard_sees_the_download_we_avoid(tmp_path: Path) -> None:
    """Without our setup tldextract does reach out, so the guard above would notice."""
    assert "attempts: 0" not in run(DEFAULT_TLDEXTRACT, tmp_path)
