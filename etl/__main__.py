"""`python -m etl {fetch,build,validate,standard,demo,release}`: the ETL's command line.

Exit status: 0 success; 1 build or check failure (nothing published); 2 bad usage or unreadable input;
3 network unreachable; 4 checksum mismatch.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from etl.config import DEFAULT_WAREHOUSE, RAW_DIR, load_sources
from etl.errors import BuildError
from etl.sources.declared import DefinitionError

EXIT_OK, EXIT_BUILD_FAILED, EXIT_USAGE = 0, 1, 2
OVERLAPS_SHOWN = 20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    fetch = commands.add_parser("fetch", help="download sources from their owners into data/raw/")
    fetch.add_argument("--source", action="append", dest="sources", metavar="ID")
    fetch.add_argument("--raw-dir", type=Path, default=RAW_DIR)
    fetch.add_argument("--refresh", action="store_true", help="download again even when the file is present")
    fetch.add_argument("--quiet-offline", action="store_true",
                       help="when the network is unreachable, say so in one line and exit 0 (used by make run)")

    build = commands.add_parser("build", help="raw files -> checked warehouse, published atomically")
    build.add_argument("--source", action="append", dest="sources", metavar="ID")
    build.add_argument("--raw-dir", type=Path, default=RAW_DIR)
    build.add_argument("--out", type=Path, default=DEFAULT_WAREHOUSE,
                       help="the public warehouse, the only file the app opens (default %(default)s)")
    build.add_argument("--private-out", type=Path, default=None,
                       help="the private working database (default: beside --out, named *.private.duckdb)")
    build.add_argument("--demo", action="store_true", help="build the synthetic demo data set only")
    build.add_argument("--fallback-demo", action="store_true",
                       help="build the demo when no real source files are present")
    build.add_argument("--threshold", type=int, default=None, help="small-cell suppression threshold (default 10)")
    build.add_argument("--no-progress", action="store_true")
    build.add_argument("--replace", action="store_true",
                       help="replace a warehouse of the other kind (demo/real) at --out; without it the build refuses")

    validate = commands.add_parser(
        "validate", help="check a file or a source folder and report every problem at once; touch no warehouse")
    validate.add_argument("file", type=Path, metavar="PATH",
                          help="a source folder (source.toml), a file of one, or a CSV of canonical counts")
    validate.add_argument("--source", metavar="ID", help="read the file as this catalogue source")
    validate.add_argument("--raw-dir", type=Path, default=RAW_DIR, help="where a source folder's files sit")
    validate.add_argument("--strict", action="store_true", help="exit 1 when any row would be rejected")
    validate.add_argument("--against", type=Path, metavar="WAREHOUSE",
                          help="preview, per county, stage and year, which source the build would count")
    validate.add_argument("--show", type=int, default=20, help="how many line numbers to list per reason")

    standard = commands.add_parser("standard", help="write the data standard's schemas, templates and values")
    standard.add_argument("--out-dir", type=Path, default=None, help="default docs/standard/")

    demo = commands.add_parser("demo", help="generate the synthetic demo data set")
    demo.add_argument("--cases", type=int, default=None, help="how many cases (default: etl.demo.DEFAULT_CASES)")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--out-dir", type=Path, default=None)

    release = commands.add_parser("release", help="write every published value as Parquet and CSV with a data "
                                  "dictionary, from the public warehouse only")
    release.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE,
                         help="the public warehouse to release (default %(default)s)")
    release.add_argument("--out", type=Path, default=None,
                         help="where release folders go (default: releases/ beside the warehouse)")

    args = parser.parse_args(argv)
    handler = {"fetch": _fetch, "build": _build, "validate": _validate, "standard": _standard,
               "demo": _demo, "release": _release}[args.command]
    try:
        return handler(args)
    except DefinitionError as error:  # a source folder's source.toml: named, with the key at fault
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted; nothing was published.", file=sys.stderr)
        return EXIT_BUILD_FAILED
    except Exception as error:  # noqa: BLE001 - a bug must still end in one clear line (PAD_DEBUG=1: traceback)
        if os.environ.get("PAD_DEBUG"):
            raise
        print(f"error: unexpected {type(error).__name__}: {error}", file=sys.stderr)
        print("nothing was published. This is a bug: run again with PAD_DEBUG=1 for the traceback and report it.",
              file=sys.stderr)
        return EXIT_BUILD_FAILED


def _fetch(args: argparse.Namespace) -> int:
    from etl import fetch

    status = fetch.fetch(args.sources, args.raw_dir, refresh=args.refresh)
    if status == fetch.OFFLINE and args.quiet_offline:
        return EXIT_OK  # fetch has said so in one line; the build uses what is present, or the demo
    return status


def _build(args: argparse.Namespace) -> int:
    from etl import vocab
    from etl.build import build

    threshold = args.threshold if args.threshold is not None else vocab.SUPPRESSION_THRESHOLD
    if threshold < 1:
        print("error: --threshold must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = build(args.out, raw_dir=args.raw_dir, sources=args.sources, demo=args.demo,
                       fallback_demo=args.fallback_demo, threshold=threshold, progress=not args.no_progress,
                       replace=args.replace, private_out=args.private_out)
    except BuildError as error:
        print(f"build failed: {error}", file=sys.stderr)
        print(f"the previous warehouse (if any) at {args.out} is untouched.", file=sys.stderr)
        return EXIT_BUILD_FAILED
    print(f"published {report.out} ({report.mode} data) in {report.seconds:.1f}s: "
          f"{len(report.sources)} sources, {report.rows_read:,} rows read = {report.rows_loaded:,} loaded + "
          f"{report.rows_rejected:,} rejected")
    print(f"private working database (facts, rejected rows' text; never served or shared): {report.private}")
    if report.overlaps:
        print(f"{len(report.overlaps):,} county-stage-years covered by more than one source, or changing source "
              "(all in the warehouse table source_choice and on /methods):")
        for line in report.overlaps[:OVERLAPS_SHOWN]:
            print(f"  {line}")
        if len(report.overlaps) > OVERLAPS_SHOWN:
            print(f"  ... and {len(report.overlaps) - OVERLAPS_SHOWN:,} more")
    if report.skipped:
        print(f"not built (no files under {args.raw_dir}): {', '.join(report.skipped)}")
    for source_id, codes in report.unknown_codes.items():
        listed = ", ".join(f"{code} x{count}" for code, count in sorted(codes.items())[:10])
        print(f"warning: {source_id}: {sum(codes.values())} rows with unknown codes rejected: {listed}")
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from etl import validate

    if not args.file.exists():
        print(f"error: {args.file} does not exist", file=sys.stderr)
        return EXIT_USAGE
    return validate.run(args.file, source=args.source, catalogue=load_sources(), raw_dir=args.raw_dir,
                        strict=args.strict, warehouse=args.against, show=args.show, say=print,
                        err=lambda text: print(text, file=sys.stderr))


def _standard(args: argparse.Namespace) -> int:
    from etl import standard

    for path in standard.write(args.out_dir or standard.STANDARD_DIR):
        print(f"wrote {path}")
    return EXIT_OK


def _release(args: argparse.Namespace) -> int:
    from etl import release

    try:
        folder = release.write(args.warehouse, args.out)
    except release.ReleaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"released {folder}")
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from etl import demo

    cases = demo.DEFAULT_CASES if args.cases is None else args.cases
    if cases < 1:
        print("error: --cases must be positive", file=sys.stderr)
        return EXIT_USAGE
    out_dir = args.out_dir or load_sources()["demo"].folder_path(RAW_DIR)
    return demo.main_demo(cases, args.seed, out_dir)


if __name__ == "__main__":
    sys.exit(main())
