"""`python -m bench [etl] [load] [wire] [scale] [report]` (all of them when none is named; `make bench`).

BENCH_QUICK=1 runs smaller sizes and fewer users. Results: test-artifacts/bench/*.json (BENCH_RESULTS to
change), and the table in docs/PERFORMANCE.md (BENCH_NO_DOC=1 leaves the doc alone). A part that fails
is reported and the others still run; the exit status is 1 when any part failed.
"""

from __future__ import annotations

import os
import sys
import time
import traceback

from bench import etl, load, report, scale, wire
from bench.common import log, write_result

PARTS = ("etl", "load", "wire", "scale")


def main(argv: list[str]) -> int:
    unknown = [a for a in argv if a not in (*PARTS, "report")]
    if unknown:
        print(f"usage: python -m bench [{' | '.join((*PARTS, 'report'))} ...]; unknown: {' '.join(unknown)}",
              file=sys.stderr)
        return 2
    chosen = [p for p in PARTS if p in argv] or ([] if argv else list(PARTS))
    failed: list[str] = []
    started = time.monotonic()
    for part in chosen:
        log(f"--- {part}")
        try:
            if part == "etl":
                etl.run()
            else:
                warehouse = etl.app_warehouse()
                {"load": load.run, "wire": wire.run, "scale": scale.run}[part](warehouse)
        except Exception as error:  # noqa: BLE001 - one failed part must not hide the others' figures
            traceback.print_exc()
            write_result(part, {"failed": f"{type(error).__name__}: {error}"})
            failed.append(part)
    if not os.environ.get("BENCH_NO_DOC"):
        path = report.update()
        log(f"table written to {path}")
    print(report.table())
    log(f"done in {time.monotonic() - started:.0f}s" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
