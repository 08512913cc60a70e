"""``turnabout match``: offline matching of two CSV files, for a program manager.

    turnabout match --mentors mentors.csv --mentees mentees.csv [--org people.csv]
                    [--config match.toml] --out pairs.csv [--unmatched unmatched.csv]
                    [--scores-out scores.csv]

Exit codes: 0 done, 2 bad input (one message naming file, row and column). No output file
is written unless the whole run succeeds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

import numpy as np

from ._types import Float64Array, IntArray
from .config import MatchConfig
from .criteria import CRITERIA
from .engine import feasible_index_blocks, match, prepare
from .explain import reason_text
from .files import (
    AtomicOutputs,
    InputFileError,
    read_config,
    read_mentees,
    read_mentors,
    read_org,
    spreadsheet_safe,
    write_csv,
)
from .model import MatchInputError

EXIT_BAD_INPUT = 2
LARGE_RUN = 4_000_000
"""Pairs above which progress is reported even when stderr is not a terminal."""


class ProgressBar:
    """A one-line progress bar on stderr (plain lines every 10 % when not a terminal)."""

    def __init__(self, stream: TextIO, *, interactive: bool) -> None:
        self.stream = stream
        self.interactive = interactive
        self.last: tuple[str, int] = ("", -1)
        self.started = time.perf_counter()

    def __call__(self, stage: str, fraction: float) -> None:
        percent = int(max(0.0, min(1.0, fraction)) * 100)
        step = percent if self.interactive else percent // 10 * 10
        if (stage, step) == self.last:
            return
        self.last = (stage, step)
        elapsed = time.perf_counter() - self.started
        if self.interactive:
            filled = percent // 4
            bar = "#" * filled + "-" * (25 - filled)
            end = "\n" if percent >= 100 else ""
            self.stream.write(f"\r{stage:<8} [{bar}] {percent:3d}% {elapsed:6.1f}s{end}")
        else:
            self.stream.write(f"{stage}: {step}% ({elapsed:.1f}s)\n")
        self.stream.flush()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="turnabout match",
        description="Match mentors and mentees from CSV files (no database needed). "
        "See docs/matching.md for the columns and match.toml keys.",
    )
    parser.add_argument("--mentors", required=True, type=Path, help="mentors CSV file")
    parser.add_argument("--mentees", required=True, type=Path, help="mentees CSV file")
    parser.add_argument("--org", type=Path, help="HR export with id and manager_id columns")
    parser.add_argument("--config", type=Path, help="match.toml with weights and rules")
    parser.add_argument("--out", required=True, type=Path, help="pairs CSV to write")
    parser.add_argument("--unmatched", type=Path, help="CSV of people left unmatched")
    parser.add_argument("--scores-out", type=Path, help="CSV of every feasible pair's score")
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show progress on stderr (default: on a terminal, or for large runs)",
    )
    return parser


def _format(value: float) -> str:
    return f"{value:.4f}"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    outputs = AtomicOutputs()
    try:
        return _run(args, outputs)
    except (InputFileError, MatchInputError) as error:
        outputs.discard()
        sys.stderr.write(f"turnabout match: error: {error}\n")
        return EXIT_BAD_INPUT
    except BaseException:
        outputs.discard()
        raise


def _run(args: argparse.Namespace, outputs: AtomicOutputs) -> int:
    config = read_config(args.config) if args.config else MatchConfig()
    mentors = read_mentors(args.mentors)
    mentees = read_mentees(args.mentees)
    org = read_org(args.org) if args.org else None
    targets = [p for p in (args.out, args.unmatched, args.scores_out) if p is not None]
    if len({p.resolve() for p in targets}) != len(targets):
        raise InputFileError("--out, --unmatched and --scores-out must be different files")
    for path in targets:
        if not path.resolve().parent.is_dir():
            raise InputFileError(f"{path}: the folder {path.resolve().parent} does not exist")

    show = args.progress
    if show is None:
        show = sys.stderr.isatty() or len(mentors) * len(mentees) >= LARGE_RUN
    progress = ProgressBar(sys.stderr, interactive=sys.stderr.isatty()) if show else None

    result = match(mentors, mentees, config, org, progress=progress)

    with outputs.open(args.out) as stream:
        write_csv(
            stream,
            ["mentor_id", "mentee_id", "score", *CRITERIA, "reasons"],
            (
                [
                    p.mentor_id,
                    p.mentee_id,
                    f"{p.score:.6f}",
                    *(_format(p.breakdown[c]) if c in p.breakdown else "" for c in CRITERIA),
                    "; ".join(reason_text(r) for r in p.reasons),
                ]
                for p in result.pairs
            ),
        )
    if args.unmatched is not None:
        with outputs.open(args.unmatched) as stream:
            write_csv(
                stream,
                ["id", "role", "reason"],
                ([u.id, u.role, reason_text(u.reason)] for u in result.unmatched),
            )
    if args.scores_out is not None:
        with outputs.open(args.scores_out) as stream:
            write_csv(stream, ["mentor_id", "mentee_id", "score"], [])
            problem = prepare(mentors, mentees, config, org)
            mentor_cells = CellTable([p.id for p in problem.mentors])
            mentee_cells = CellTable([p.id for p in problem.mentees])
            for rows, cols, scores in feasible_index_blocks(problem, progress):
                stream.write(score_lines(mentor_cells, mentee_cells, rows, cols, scores))
    outputs.commit()

    quality = result.quality
    print(
        f"matched {quality.matched} pairs ({quality.mentees} mentees, {quality.mentors} mentors); "
        f"total score {quality.total_score:.4f}, mean {quality.mean_score:.4f}, "
        f"weakest {quality.min_score:.4f}; {quality.blocking_pairs} blocking pairs; "
        f"{len(result.unmatched)} unmatched; {quality.mode} mode, {quality.verdict}, "
        f"{quality.seconds:.1f}s"
    )
    return 0


_SPECIAL = frozenset(',"\r\n')


def _cell(text: str) -> str:
    """One CSV cell: formula-safe, quoted only when needed."""
    text = str(spreadsheet_safe(text))
    if _SPECIAL.isdisjoint(text):
        return text
    return '"' + text.replace('"', '""') + '"'


class CellTable:
    """Every person's CSV cell as UTF-8 bytes in one buffer, with offsets and lengths."""

    def __init__(self, ids: list[str]) -> None:
        encoded = [_cell(i).encode() for i in ids]
        self.lengths: IntArray = np.fromiter(map(len, encoded), dtype=np.int64, count=len(ids))
        self.offsets: IntArray = np.cumsum(self.lengths) - self.lengths
        self.data = np.frombuffer(b"".join(encoded) or b"\0", dtype=np.uint8)


def _spread(out: np.ndarray, starts: IntArray, table: CellTable, which: IntArray) -> IntArray:
    """Copy each row's cell into ``out`` at ``starts``; returns where each row's cell ends."""
    lengths = table.lengths[which]
    total = int(lengths.sum())
    within = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    out[np.repeat(starts, lengths) + within] = table.data[
        np.repeat(table.offsets[which], lengths) + within
    ]
    ends: IntArray = starts + lengths
    return ends


def score_lines(
    mentors: CellTable,
    mentees: CellTable,
    rows: IntArray,
    cols: IntArray,
    scores: Float64Array,
) -> str:
    """``mentor_id,mentee_id,score`` lines for a block of pairs, built as one byte array.

    A Python f-string per pair made ``--scores-out`` six times longer than the match; here
    every line is laid out with array operations (ids copied from ``CellTable``, scores
    from their integer millionths, which always give ``d.dddddd`` in [0, 10)).
    """
    millionths = np.rint(np.clip(scores, 0.0, 9.999999) * 1_000_000).astype(np.int64)
    digits = np.empty((len(rows), 8), dtype=np.uint8)
    digits[:, 0] = ord("0") + millionths // 1_000_000
    digits[:, 1] = ord(".")
    rest = millionths % 1_000_000
    for place in range(7, 1, -1):
        digits[:, place] = ord("0") + rest % 10
        rest //= 10
    line = mentors.lengths[cols] + mentees.lengths[rows] + 12  # 2 commas, 8 digits, CR LF
    starts = np.cumsum(line) - line
    out = np.empty(int(line.sum()), dtype=np.uint8)
    after_mentor = _spread(out, starts, mentors, cols)
    out[after_mentor] = ord(",")
    after_mentee = _spread(out, after_mentor + 1, mentees, rows)
    out[after_mentee] = ord(",")
    out[(after_mentee + 1)[:, None] + np.arange(8)] = digits
    out[after_mentee + 9] = ord("\r")
    out[after_mentee + 10] = ord("\n")
    return out.tobytes().decode()
