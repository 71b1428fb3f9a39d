"""Imports a zone's implementation list into the table:

    python -m shared.catalog_loader --table NAME [--file PATH] [--bundles FILE] [--dry-run]
    python -m shared.catalog_loader --export FOLDER [--file PATH]

PATH is a JSON file or a folder of CSV files (the layouts are in shared/catalog_files.py
and the README); the default is the shipped list, shared/data/catalog.json. FILE holds the
bundles (一件事) of the list, by default shared/data/bundles.json; `--bundles none` imports
the list without bundles. The whole list and its bundles are validated first: if any row
or bundle fails, each failure is printed with its row and field and nothing is written.
Re-importing the same list changes nothing; a changed item gets a new version; an item no
longer listed is withdrawn (cases filed under it keep their version).
--export writes the list as CSV files, to edit and import back.
"""

import argparse
import sys
from pathlib import Path

from shared.catalog import DEFAULT_BUNDLES_PATH, DEFAULT_CATALOG_PATH, load_bundles
from shared.catalog_files import read_catalog, write_csv_folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shared.catalog_loader",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--table", help="the stack's TableName output")
    target.add_argument("--export", type=Path, metavar="FOLDER", help="write CSV files here")
    parser.add_argument(
        "--file", type=Path, default=DEFAULT_CATALOG_PATH, help="JSON or CSV folder"
    )
    parser.add_argument(
        "--bundles",
        default=str(DEFAULT_BUNDLES_PATH),
        metavar="FILE",
        help="the bundles' JSON file, or none",
    )
    parser.add_argument("--dry-run", action="store_true", help="validate only")
    args = parser.parse_args(argv)

    read = read_catalog(args.file)
    if read.catalog is None:
        print(f"{args.file}: {len(read.problems)} problem(s), nothing written:", file=sys.stderr)
        for problem in read.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    catalog = read.catalog
    counts = f"{len(catalog.items)} items of {len(catalog.departments)} departments"
    if args.export:
        write_csv_folder(catalog, args.export)
        print(f"wrote {counts} to {args.export}")
        return 0
    try:
        bundles = [] if args.bundles == "none" else load_bundles(catalog, Path(args.bundles))
    except (OSError, ValueError) as error:
        print(f"{args.bundles}: {error}; nothing written", file=sys.stderr)
        return 2
    counts += f", {len(bundles)} bundles"
    if args.dry_run:
        print(f"{args.file}: valid, {counts}")
        return 0

    from shared.adapters.repository import DynamoRepository  # boto3 only when writing
    from shared.services.catalog_import import import_catalog

    report = import_catalog(catalog, DynamoRepository(args.table), bundles=bundles)
    print(f"{args.table}: {report.summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
