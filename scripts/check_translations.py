"""Fail when the English catalogue has a string without a translation (or a fuzzy one).

Run after `manage.py makemessages`, so strings added since the last translation pass show up.
"""

import re
import sys
from pathlib import Path

QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _joined(lines: list[str]) -> str:
    return "".join(match for line in lines for match in QUOTED.findall(line))


def untranslated(po_text: str) -> list[str]:
    missing = []
    for block in po_text.split("\n\n"):
        if "msgid_plural" in block:
            continue
        msgid: list[str] = []
        msgstr: list[str] = []
        current: list[str] | None = None
        for line in block.splitlines():
            if line.startswith("msgid "):
                current = msgid
            elif line.startswith("msgstr "):
                current = msgstr
            elif not line.startswith('"'):
                current = None
            if current is not None:
                current.append(line)
        source, translation = _joined(msgid), _joined(msgstr)
        if source and (not translation or "#, fuzzy" in block):
            missing.append(source)
    return missing


if __name__ == "__main__":
    missing = untranslated(Path(sys.argv[1]).read_text(encoding="utf-8"))
    for source in missing:
        print(f"untranslated: {source}")
    sys.exit(1 if missing else 0)
