"""Exports: formula cells neutralised, per-person tables for managers only, bounded memory,
and the sponsors' PDF report."""

from __future__ import annotations

import gc
import io
import os
import threading
import time
from datetime import timedelta

import pytest
from django.urls import reverse

from turnabout.engagement.models import MentoringSession
from turnabout.insights import exports, report
from turnabout.insights.tests.factories import START, at, objective, person, world
from turnabout.insights.tests.factories import apply as apply_to

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def test_csv_neutralises_formula_cells(client, manager):
    w = world(manager)
    apply_to(w.cohort, person(last_name='=HYPERLINK("http://x")'), "mentor")
    client.force_login(manager)
    body = _body(client.get(reverse("insights:export", args=[w.program.pk, "people", "csv"])))
    assert b"'=HYPERLINK" in body and b",=HYPERLINK" not in body


def test_sponsor_gets_aggregates_but_never_a_per_person_table(client, sponsor, manager):
    w = world(manager, pairs=2)
    objective(w, "applications", 3, "count")
    client.force_login(sponsor)
    for table in ("people", "applications", "proposals", "pairs", "sessions", "audit"):
        response = client.get(reverse("insights:export", args=[w.program.pk, table, "csv"]))
        assert response.status_code == 403, table
    ok = client.get(reverse("insights:export", args=[w.program.pk, "funnel", "xlsx"]))
    assert ok.status_code == 200 and _body(ok)[:2] == b"PK"
    page = client.get(reverse("insights:exports", args=[w.program.pk])).content.decode()
    assert "Sessions" not in page and "Funnel" in page


class PeakRss:
    """Samples the process's resident memory every few milliseconds in a thread (cheap,
    unlike tracemalloc): `peak - base` is what an export added at its worst moment."""

    def __init__(self) -> None:
        self.base = self.peak = self.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def now() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self.now())

    def __enter__(self) -> PeakRss:
        gc.collect()
        self.base = self.peak = self.now()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.now())

    @property
    def added(self) -> int:
        return self.peak - self.base


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_the_memory_probe_sees_an_allocation():
    with PeakRss() as memory:
        block = bytearray(150 * MiB)
        block[::4096] = b"x" * len(block[::4096])  # touch every page
        time.sleep(0.05)
    assert memory.added > 120 * MiB
    del block


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_100000_rows_export_in_bounded_memory(manager):
    w = world(manager, pairs=1)
    pair = w.pairs[0]
    MentoringSession.objects.bulk_create(
        (
            MentoringSession(
                mentorship=pair,
                uid=f"bulk{i}@test",
                starts_at=at(START) + timedelta(minutes=i),
                format="video",
                outcome="held",
                agenda="=cmd",
            )
            for i in range(100_000)
        ),
        batch_size=5000,
    )
    for fmt in ("csv", "xlsx"):
        started = time.perf_counter()
        with PeakRss() as memory:
            response = exports.export_response(
                user=manager, program=w.program, name="sessions", fmt=fmt
            )
            lines = size = 0
            for chunk in response.streaming_content:  # type: ignore[attr-defined]
                data = chunk if isinstance(chunk, bytes) else chunk.encode()
                lines += data.count(b"\n")
                size += len(data)
        seconds = time.perf_counter() - started
        figures = (
            f"{fmt}: {size / MiB:.1f} MiB file, +{memory.added / MiB:.1f} MiB, {seconds:.1f} s"
        )
        if fmt == "csv":
            assert lines == 100_001  # the header and every row
        else:
            assert size > 1_000_000
        assert memory.added < 100 * MiB, figures


def test_program_report_is_a_pdf_with_one_page_per_program(client, sponsor, manager):
    w1 = world(manager, pairs=2, name="Alpha program")
    world(manager, pairs=1, name="Beta program")
    objective(w1, "applications", 3, "count")
    html = report.report_html(user=sponsor, programs=[w1.program])
    assert "Alpha program" in html and "Enrolment funnel" in html
    for m in w1.pairs:
        assert m.mentee.last_name not in html
    client.force_login(sponsor)
    response = client.get(reverse("insights:report"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2
    assert "Alpha program" in reader.pages[0].extract_text()
