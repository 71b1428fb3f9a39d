"""Loads the catalog (shared/data/catalog.json) into the table: `python -m shared.catalog_loader
--table NAME [--file PATH]`. Validates the whole file first; writes nothing if it is invalid.
Re-running replaces items with the same id."""

import argparse
import sys
from pathlib import Path

from pydantic import ValidationError

from shared.adapters.repository import DynamoRepository
from shared.catalog import load_catalog


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.catalog_loader", description=__doc__)
    parser.add_argument("--table", required=True, help="the stack's TableName output")
    parser.add_argument(
        "--file", type=Path, default=None, help="a catalog file (default: the shipped one)"
    )
    args = parser.parse_args(argv)
    try:
        catalog = load_catalog(args.file)
    except ValidationError as exc:
        print(f"catalog is invalid, nothing written:\n{exc}", file=sys.stderr)
        return 2
    count = DynamoRepository(args.table).put_catalog(catalog.items)
    print(f"loaded {count} items of {len(catalog.departments)} departments into {args.table}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
