"""`make bench [BENCH=name]`: run benchmarks, then rebuild docs/benchmarks.md.

Each bench/bench_<name>.py runs in its own process and writes docs/benchmarks-<name>.md;
docs/benchmarks.md is those sections joined, so one benchmark can be re-run alone.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def available() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in (ROOT / "bench").glob("bench_*.py"))


def assemble() -> Path:
    sections = sorted(DOCS.glob("benchmarks-*.md"))
    header = (
        "# Benchmarks\n\n"
        "Produced by `make bench` (all) or `make bench BENCH=<name>` (one); each section "
        "names its command and the machine it ran on. Targets live here, never in unit tests.\n"
    )
    body = "\n".join(section.read_text().strip() + "\n" for section in sections)
    out = DOCS / "benchmarks.md"
    out.write_text(header + "\n" + body)
    return out


def main(argv: list[str]) -> int:
    names = argv or available()
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(available())}")
        return 2
    for name in names:
        print(f"== bench {name}", flush=True)
        result = subprocess.run([sys.executable, str(ROOT / "bench" / f"bench_{name}.py")])
        if result.returncode != 0:
            print(f"bench {name} failed with exit code {result.returncode}")
            return result.returncode
    print(f"wrote {assemble().relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
