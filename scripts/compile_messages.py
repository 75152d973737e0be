"""Compile every locale/*/LC_MESSAGES/django.po to django.mo with polib.

Developers can recompile translations without GNU gettext (``msgfmt``), which Django's
``compilemessages`` needs:

    .venv/bin/python scripts/compile_messages.py

Prints one line per compiled catalogue; the exit code is 1 when no catalogue was found.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale"


def catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Every django.po under ``locale_dir``, sorted so the output is stable."""
    return sorted(locale_dir.glob("*/LC_MESSAGES/django.po"))


def compile_catalogue(po_path: Path) -> Path:
    """Write the .mo file next to ``po_path`` and return its path."""
    mo_path = po_path.with_suffix(".mo")
    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    return mo_path


def main() -> int:
    found = catalogues()
    if not found:
        print(f"No django.po found under {LOCALE_DIR}", file=sys.stderr)
        return 1
    for po_path in found:
        mo_path = compile_catalogue(po_path)
        print(f"{po_path.relative_to(ROOT)} -> {mo_path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
