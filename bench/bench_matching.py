"""Matching benchmarks (issues 3 and 11). Run with ``make bench BENCH=matching``.

``python bench/bench_matching.py`` prints a Markdown section and writes it to
``docs/benchmarks-matching.md``; ``--quick`` runs tiny sizes only (seconds), as the smoke
test does through ``run(quick=True)``; ``--parts`` picks sections.

(a) whole process: ``turnabout match`` on two CSV files against mentor-match 7.0.1's
    driver (installed into its own temporary virtual environment) at 200 and 1,000 per
    side, on the same people and rules; both results scored with Turnabout's scorer.
(b) 5,000 x 5,000 full pipeline against the bare solver (scipy linear_sum_assignment) on
    the same final score matrix.
(c) sparse mode on the harder population (``generate.hard_cohort``: reporting lines
    through team leads, 10 % exclusions each way, capacities 1-2, three departments) and
    on the original one: time per stage, peak memory, the certificate's verdict, and the
    dense optimum where it is computable.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402 - after the path set-up, so the file runs as a script
import scipy  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402

from bench.matching.generate import cohort, hard_cohort  # noqa: E402
from turnabout.matching import (  # noqa: E402
    MatchConfig,
    Mentee,
    Mentor,
    engine,
    feasible_pairs,
    match,
    solver,
)
from turnabout.matching.fast import FastScorer  # noqa: E402

COMMAND = "make bench BENCH=matching"
MENTOR_MATCH = "mentor-match==7.0.1"
OUTPUT = ROOT / "docs" / "benchmarks-matching.md"


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def _timed(function: Callable[[], Any], runs: int) -> tuple[float, Any]:
    seconds, _, result = _timed_cpu(function, runs)
    return seconds, result


def _timed_cpu(function: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Median wall seconds and median CPU seconds (all threads) of ``runs`` calls."""
    times, cpu = [], []
    result: Any = None
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = function()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return _median(times), _median(cpu), result


def machine_info() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = f"; load average at start {os.getloadavg()[0]:.1f}"
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}"
        f"{load}"
    )


# --- (a) against mentor-match --------------------------------------------------------


def write_people(directory: Path, mentors: list[Mentor], mentees: list[Mentee]) -> None:
    """One CSV per side that both tools read: mentor-match's columns plus ours."""
    common = [
        "first name", "last name", "email", "role", "organisation", "grade", "profession",
        "id", "level", "department", "location", "timezone", "languages", "manager_id",
        "interests", "goals", "formats", "availability", "ergs", "exclude", "generation",
    ]  # fmt: skip

    def row(person: Mentor | Mentee) -> list[str]:
        return [
            person.name, "", person.email, "", "Org", str(person.level), "",
            person.id, str(person.level), person.department, person.location,
            person.timezone, ";".join(person.languages), person.manager_id,
            ";".join(person.interests), person.goals, ";".join(person.formats),
            ";".join(person.availability), ";".join(person.ergs), ";".join(person.exclude),
            person.generation,
        ]  # fmt: skip

    with (directory / "mentors.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*common, "skills", "capacity"])
        for m in mentors:
            skills = ";".join(f"{k}:{v}" for k, v in m.skills.items())
            writer.writerow([*row(m), skills, str(m.capacity)])
    with (directory / "mentees.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*common, "wants"])
        for e in mentees:
            writer.writerow([*row(e), ";".join(f"{k}:{v}" for k, v in e.wants.items())])


def _mentor_match_env(workdir: Path) -> Path:
    venv = workdir / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-input", MENTOR_MATCH],
        check=True,
        capture_output=True,
    )
    return python


def _child_cpu() -> float:
    """User + system CPU seconds of the finished child processes so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _turnabout_command() -> list[str]:
    """The installed ``turnabout`` console script next to this Python, as a user runs it."""
    script = Path(sys.executable).with_name("turnabout")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "turnabout.cli"]


def bench_mentor_match(
    sizes: Sequence[int], runs: int, mm_runs: int, *, with_mentor_match: bool
) -> list[str]:
    lines = [
        "### (a) whole process: `turnabout match` against mentor-match 7.0.1",
        "",
        "Same people and rules for both: the generated cohort is written once as CSV",
        "(mentor-match's columns plus ours). Each tool runs as a fresh process, timed from",
        "start to exit (imports, reading the CSV files, matching, writing results):",
        "`turnabout match --mentors ... --mentees ... --out ... --unmatched ...` against",
        "mentor-match's driver (`bench/matching/mm_driver.py`: its CSV reader, Turnabout's",
        "criteria and constraints as its own `Rule`/`Disqualify` objects, one round of",
        "`process.process_data`). Both results are scored with Turnabout's scorer.",
        "",
        "| people per side | turnabout match, wall (s) | mentor-match, wall (s) | speed-up | "
        "pairs | total score (Turnabout / mentor-match) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    config = MatchConfig()
    with tempfile.TemporaryDirectory(prefix="bench-matching-") as tmp:
        workdir = Path(tmp)
        python = _mentor_match_env(workdir) if with_mentor_match else None
        for n in sizes:
            mentors, mentees = cohort(n, n, seed=11)
            data = workdir / f"data{n}"
            data.mkdir()
            write_people(data, mentors, mentees)
            command = [
                *_turnabout_command(),
                "match",
                "--mentors",
                str(data / "mentors.csv"),
                "--mentees",
                str(data / "mentees.csv"),
                "--out",
                str(data / "pairs.csv"),
                "--unmatched",
                str(data / "unmatched.csv"),
            ]
            our_times, our_cpu = [], []
            for _ in range(runs):
                started, cpu = time.perf_counter(), _child_cpu()
                subprocess.run(command, check=True, capture_output=True)
                our_times.append(time.perf_counter() - started)
                our_cpu.append(_child_cpu() - cpu)
            our_time = _median(our_times)
            with (data / "pairs.csv").open(newline="") as handle:
                our_pairs = [(r["mentor_id"], r["mentee_id"]) for r in csv.DictReader(handle)]
            table: dict[tuple[str, str], float] = {}
            for block in feasible_pairs(mentors, mentees, config):
                keys = zip(block.mentor_ids, block.mentee_ids, strict=True)
                table.update(zip(keys, block.scores.tolist(), strict=True))
            our_total = sum(table[p] for p in our_pairs)
            if python is None:
                lines.append(
                    f"| {n:,} | {our_time:.3f} ({_median(our_cpu):.2f} CPU) | skipped | | "
                    f"{len(our_pairs)} | "
                    f"{our_total:.3f} / — |"
                )
                continue
            rules = workdir / "rules.json"
            mapping = config.to_mapping()
            rules.write_text(
                json.dumps(
                    {
                        "weights": mapping["weights"],
                        "target_level_gap": config.target_level_gap,
                        "diversity": mapping["diversity"],
                        "min_level_gap": config.constraints.min_level_gap,
                    }
                )
            )
            driver = Path(__file__).resolve().parent / "matching" / "mm_driver.py"
            mm_times, mm_cpu = [], []
            mm_pairs: list[tuple[str, str]] = []
            for _ in range(mm_runs):
                started, cpu = time.perf_counter(), _child_cpu()
                done = subprocess.run(
                    [str(python), str(driver), str(data), str(rules)],
                    check=True,
                    capture_output=True,
                    text=True,
                    cwd=workdir,
                )
                mm_times.append(time.perf_counter() - started)
                mm_cpu.append(_child_cpu() - cpu)
                answer = json.loads(done.stdout.strip().splitlines()[-1])
                mm_pairs = [(m, e) for m, e in answer["pairs"]]
            mm_time = _median(mm_times)
            mm_infeasible = sum(1 for p in mm_pairs if p not in table)
            mm_total = sum(table.get(p, 0.0) for p in mm_pairs)
            ours_cpu, theirs_cpu = _median(our_cpu), _median(mm_cpu)
            lines.append(
                f"| {n:,} | {our_time:.3f} ({ours_cpu:.2f} CPU) | {mm_time:.2f} "
                f"({theirs_cpu:.2f} CPU) | **{mm_time / our_time:.1f}x** "
                f"({theirs_cpu / ours_cpu:.1f}x CPU) | "
                f"{len(our_pairs)} / {len(mm_pairs)} | {our_total:.3f} / {mm_total:.3f} |"
            )
            if mm_infeasible:
                lines.append(f"| | | | | mentor-match pairs breaking a rule: {mm_infeasible} | |")
    lines += [
        "",
        f"Medians of {runs} runs (Turnabout) and {mm_runs} runs (mentor-match). Targets:",
        "not slower at 200 per side, at least 50x faster at 1,000, the same total.",
        "",
    ]
    return lines


# --- (b) full pipeline against the bare solver ---------------------------------------


def final_benefit(mentors: list[Mentor], mentees: list[Mentee]) -> np.ndarray[Any, Any]:
    """The matrix the dense solver receives, built exactly as the engine builds it."""
    problem = engine.prepare(mentors, mentees, MatchConfig(mode="dense"))
    scores, feasible = engine.dense_scores(problem)
    tie = engine._tie_break(problem)
    rows = np.flatnonzero(feasible.any(axis=1))
    cols = np.flatnonzero(feasible.any(axis=0))
    sub = feasible[np.ix_(rows, cols)]
    offset = solver.lexicographic_offset(len(rows), len(cols))
    return np.where(sub, scores[np.ix_(rows, cols)] + tie[rows, None] + offset, 0.0)


def bench_dense(n: int, runs: int) -> list[str]:
    mentors, mentees = cohort(n, n, seed=5)
    pipeline, result = _timed(lambda: match(mentors, mentees, MatchConfig(mode="dense")), runs)
    benefit = final_benefit(mentors, mentees)
    bare, _ = _timed(lambda: linear_sum_assignment(benefit, maximize=True), runs)
    return [
        f"### (b) {n:,} x {n:,}: full pipeline against the bare solver",
        "",
        "| step | time (s) |",
        "|---|---:|",
        f'| full pipeline: `match(mode="dense")` (features, scores, solve, checks, '
        f"explanations, blocking pairs, unmatched reasons) | {pipeline:.2f} |",
        f"| bare `scipy.optimize.linear_sum_assignment` on the same final "
        f"{benefit.shape[0]:,} x {benefit.shape[1]:,} matrix | {bare:.2f} |",
        "",
        f"Ratio **{pipeline / bare:.2f}x** (target at most 3x); {result.quality.matched:,} pairs, "
        f"total {result.quality.total_score:.3f}. Medians of {runs} runs.",
        "",
    ]


# --- (c) sparse mode ----------------------------------------------------------------


def peak_memory_gib() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss survives fork and exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def sparse_child(n: int, population: str, gap: bool) -> None:
    """Run in a fresh process so that peak memory is this run's alone."""
    org = None
    if population == "hard":
        mentors, mentees, org = hard_cohort(n, n, seed=21)
    else:
        mentors, mentees = cohort(n, n, seed=21)
    config = MatchConfig(mode="sparse", compare_dense=gap)
    cpu_started = time.process_time()
    stages: dict[str, float] = {}  # first call of each stage
    last: dict[str, float] = {}  # last call of each stage
    started = time.perf_counter()

    cpu_stages: dict[str, float] = {}
    cpu_last: dict[str, float] = {}

    def progress(stage: str, fraction: float) -> None:
        now = time.perf_counter() - started
        stages.setdefault(stage, now)
        last[stage] = now
        cpu_now = time.process_time() - cpu_started
        cpu_stages.setdefault(stage, cpu_now)
        cpu_last[stage] = cpu_now

    result = match(mentors, mentees, config, org, progress=progress)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = peak_memory_gib()
    q = result.quality
    print(
        json.dumps(
            {
                "n": n,
                "population": population,
                "seconds": seconds,
                "cpu": cpu,
                "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
                "stages": stages,
                "last": last,
                "cpu_stages": cpu_stages,
                "cpu_last": cpu_last,
                "peak_gib": peak,
                "matched": q.matched,
                "total": q.total_score,
                "candidates": q.candidate_pairs,
                "dense_total": q.dense_total,
                "gap": q.gap_to_dense,
                "verdict": q.verdict,
                "rounds": q.certify_rounds,
                "solver": q.solver,
            }
        )
    )


def _run_child(n: int, population: str, gap: bool, timeout: float) -> dict[str, Any] | None:
    """One sparse run in a fresh process; None when it did not finish within ``timeout``."""
    code = (
        f"from bench.bench_matching import sparse_child; sparse_child({n}, {population!r}, {gap})"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _stage_times(r: dict[str, Any], cpu: bool = False) -> str:
    """features / candidates / solve+certify / explain, from the stage start times."""
    stages, last = (r["cpu_stages"], r["cpu_last"]) if cpu else (r["stages"], r["last"])
    scoring = stages.get("scoring", 0.0)
    solving = stages.get("solving", scoring)
    end_of_solve = last.get("certifying", last.get("solving", solving))
    return (
        f"{scoring:.1f} / {solving - scoring:.1f} / {end_of_solve - solving:.1f} / "
        f"{(r['cpu'] if cpu else r['seconds']) - end_of_solve:.1f}"
    )


def bench_sparse(runs: Sequence[tuple[int, str, bool]], timeout: float = 3600.0) -> list[str]:
    lines = [
        "### (c) sparse mode, with the certificate",
        "",
        'Each run in a fresh process; time is the whole `match(mode="sparse")` call:',
        "features, blocked scoring with top-20 candidates per person on both sides, the",
        "OR-Tools min-cost flow, the certificate (dual prices, rows cleared by the candidate",
        "bounds, the rest scored block-wise; improving pairs added and solved again, at",
        "most 3 rounds), checks and explanations. Stages: features / candidates / solve and",
        "certify (all rounds) / the rest (explanations, unmatched reasons, quality figures).",
        "Peak memory is the process's",
        "peak resident set (`VmHWM`), which includes the generated people. *hard* is",
        "`generate.hard_cohort` (reporting lines through team leads, 10 % exclusions each",
        "way, capacities 1-2, three departments); *original* is `generate.cohort`.",
        "",
        "| population | people per side | time (s), CPU s and load | stages (s) | "
        "peak memory (GiB) | pairs | candidate pairs | total score | verdict (rounds) | "
        "dense optimum |",
        "|---|---:|---:|---|---:|---:|---:|---:|---|---:|",
    ]
    for n, population, gap in runs:
        r = _run_child(n, population, gap, timeout)
        if r is None:
            lines.append(
                f"| {population} | {n:,} | did not finish within {timeout:.0f} s | | | | | | | |"
            )
            sys.stderr.write(f"sparse {population} {n}: timed out after {timeout:.0f} s\n")
            continue
        dense = f"{r['dense_total']:.3f}" if r["dense_total"] is not None else "—"
        lines.append(
            f"| {population} | {n:,} | {r['seconds']:.1f} ({r['cpu']:.1f} CPU, load "
            f"{r['load']:.1f}) | {_stage_times(r)} (CPU {_stage_times(r, cpu=True)}) | "
            f"{r['peak_gib']:.2f} | {r['matched']:,} | {r['candidates']:,} | {r['total']:.3f} | "
            f"{r['verdict']} ({r['rounds']}) | {dense} |"
        )
        sys.stderr.write(f"sparse {population} {n}: {r}\n")
    lines += [
        "",
        "Targets (issue 11): on the harder population 50,000 per side under 45 s, 100,000",
        "under 120 s and 4 GiB, with the certificate's verdict at each size; on the original",
        "population no slower than before.",
        "",
    ]
    return lines


# --- (d) candidate generation against its floor ---------------------------------------


def candidate_floor(problem: Any, k: int) -> None:
    """The least any candidate generator must do: per block, gather the categorical part,
    add the BLAS product, and keep each row's k best (threshold by partition). No
    constraints, no column candidates, no merging."""
    scorer = FastScorer(problem)
    n_cols = problem.n_mentors
    table = scorer.table
    linear_e, linear_m_t = scorer.linear_e, scorer.linear_m_t

    def run(rows: Any) -> int:
        if table is not None:
            total = np.take(table[scorer.mentee_code[rows]], scorer.mentor_code, axis=1)
        else:
            total = np.zeros((len(rows), n_cols), dtype=np.float32)
        if linear_e is not None and linear_m_t is not None:
            total += linear_e[rows] @ linear_m_t
        kth = np.partition(total, n_cols - k, axis=1)[:, n_cols - k]
        return int(np.count_nonzero(total >= kth[:, None]))

    for _ in engine._map_blocks(problem, run, None, "floor"):
        pass


def bench_floor(n: int, runs: int) -> list[str]:
    mentors, mentees, org = hard_cohort(n, n, seed=21)
    problem = engine.prepare(mentors, mentees, MatchConfig(mode="sparse"), org)
    ours, ours_cpu, _ = _timed_cpu(lambda: engine.sparse_candidates(problem, 20), runs)
    floor, floor_cpu, _ = _timed_cpu(lambda: candidate_floor(problem, 20), runs)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return [
        f"### (d) {n:,} x {n:,}: candidate generation against its floor",
        "",
        "| step | wall (s) | CPU (s) |",
        "|---|---:|---:|",
        f"| `sparse_candidates` (scores with every constraint, each row's top 20, each "
        f"column's running top 20, merged) | {ours:.2f} | {ours_cpu:.2f} |",
        f"| floor: categorical gather + BLAS product + each row's top 20 by partition, "
        f"same blocks and threads | {floor:.2f} | {floor_cpu:.2f} |",
        "",
        f"Ratio **{ours / floor:.2f}x** wall, **{ours_cpu / floor_cpu:.2f}x** CPU (harder "
        f"population, medians of {runs} runs, load average {load:.1f}).",
        "",
    ]


def run(
    quick: bool = False,
    *,
    parts: str = "abcd",
    sparse_runs: Sequence[tuple[int, str, bool]] = (
        (5_000, "hard", True),
        (50_000, "hard", False),
        (100_000, "hard", False),
        (50_000, "original", False),
    ),
    timeout: float = 3600.0,
    runs: int = 5,
    mm_runs: int = 3,
) -> str:
    """The benchmark section in Markdown (quick: tiny sizes, no mentor-match, seconds)."""
    started = time.perf_counter()
    lines = [
        "## Matching engine",
        "",
        f"Command: `{COMMAND}` (or `python bench/bench_matching.py`). Machine: {machine_info()}.",
        "People are generated by `bench/matching/generate.py` (30 topics, 30 interests, 10 slots,",
        "6 time zones, 8 departments, reporting lines, levels 1-4 for mentors and 3-8 for",
        "mentees); default `MatchConfig` (all ten criteria, reporting-line rule on).",
        "",
    ]

    def add(section: list[str]) -> None:
        lines.extend(section)
        sys.stderr.write("\n".join(section) + "\n")

    if quick:
        add(bench_mentor_match([60], runs=1, mm_runs=0, with_mentor_match=False))
        add(bench_dense(300, runs=2))
        add(bench_sparse([(800, "hard", True), (1500, "original", False)]))
        add(bench_floor(1000, runs=1))
    else:
        if "a" in parts:
            add(bench_mentor_match([200, 1000], runs=runs, mm_runs=mm_runs, with_mentor_match=True))
        if "b" in parts:
            add(bench_dense(5000, runs=3))
        if "c" in parts:
            add(bench_sparse(sparse_runs, timeout))
        if "d" in parts:
            add(bench_floor(20_000, runs=2))
    load = (
        f" Load average at the end: {os.getloadavg()[0]:.1f}." if hasattr(os, "getloadavg") else ""
    )
    lines.append(f"Benchmark wall time: {time.perf_counter() - started:.0f} s.{load}")
    return "\n".join(lines) + "\n"


def _main(argv: Sequence[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes only (seconds)")
    parser.add_argument("--parts", default="abcd", help="which benchmarks: any of a, b, c, d")
    parser.add_argument(
        "--sparse",
        default="5000:hard:gap,50000:hard,100000:hard,50000:original",
        help="sparse runs as size:population[:gap], comma-separated",
    )
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per sparse run")
    parser.add_argument("--output", default=str(OUTPUT), help="where to write the section")
    parser.add_argument("--runs", type=int, default=5, help="turnabout runs per size in (a)")
    parser.add_argument("--mm-runs", type=int, default=3, help="mentor-match runs per size in (a)")
    args = parser.parse_args(argv)

    def sparse_runs(text: str) -> list[tuple[int, str, bool]]:
        out = []
        for item in text.split(","):
            size, population, *gap = item.strip().split(":")
            out.append((int(size), population, bool(gap)))
        return out

    text = run(
        quick=args.quick,
        parts=args.parts,
        sparse_runs=sparse_runs(args.sparse),
        timeout=args.timeout,
        runs=args.runs,
        mm_runs=args.mm_runs,
    )
    print(text)
    if not args.quick:
        Path(args.output).write_text(text)


if __name__ == "__main__":
    _main(sys.argv[1:])
