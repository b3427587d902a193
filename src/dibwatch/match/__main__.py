"""``python -m dibwatch.match``: print the matcher's feature table, or rewrite the one in a
README (``--readme README.md``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dibwatch.match.features import feature_table, render_readme


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="print or write the matcher's feature table")
    ap.add_argument("--readme", type=Path, help="rewrite the table in this README")
    ap.add_argument("--style", choices=("markdown", "rst"), default="markdown")
    args = ap.parse_args(argv)
    if args.readme:
        args.readme.write_text(render_readme(args.readme.read_text(encoding="utf-8")),
                               encoding="utf-8")
    else:
        sys.stdout.write(feature_table(args.style) + "\n")


if __name__ == "__main__":
    main()
