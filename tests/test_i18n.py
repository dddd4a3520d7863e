"""Every message shown to people exists in Chinese, and the catalogue is in step with the code."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "app/translations/zh_Hans_CN/LC_MESSAGES/messages.po"


def _read(path: Path):
    with path.open("rb") as fh:
        return read_po(fh, locale="zh_CN")


def test_every_message_in_the_code_has_a_chinese_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "N_",
                    "-k", "lazy_gettext", "--no-location", "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    in_code = {m.id for m in _read(pot) if m.id}
    entries = [m for m in _read(PO) if m.id]
    assert [m.id for m in entries if m.fuzzy] == [], "fuzzy entries are guesses: check and unflag them"
    catalogue = {m.id: m.string for m in entries}
    assert sorted(in_code - set(catalogue)) == [], "run `make translations` and translate the new messages"
    assert sorted(k for k in in_code if not catalogue[k]) == []
    assert sorted(set(catalogue) - in_code) == [], "the catalogue has messages the code no longer uses"


def test_placeholders_survive_translation():
    import re
    for message in _read(PO):
        if message.id:
            assert set(re.findall(r"%\(\w+\)s", message.id)) == set(re.findall(r"%\(\w+\)s", message.string)), message.id
