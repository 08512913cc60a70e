"""The matching benchmark runs end to end at tiny sizes (the real run: make bench)."""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_quick_benchmark_produces_a_markdown_section():
    from bench.bench_matching import run

    text = run(quick=True)
    assert text.startswith("## Matching engine")
    assert "make bench BENCH=matching" in text
    for heading in ("### (a)", "### (b)", "### (c)", "### (d)"):
        assert heading in text
