"""docs/matching.md shows adding a criterion as one record: the record it shows builds."""

from __future__ import annotations

import re
from pathlib import Path

from turnabout.matching import criteria

DOC = Path(__file__).resolve().parents[3] / "docs" / "matching.md"


def test_the_documented_new_criterion_is_one_record_that_builds() -> None:
    section = DOC.read_text(encoding="utf-8").split("**Adding a criterion is one record.**")[1]
    section = section.split("\n## ")[0]
    snippets = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(snippets) == 2
    for snippet in snippets:
        record = eval(snippet, vars(criteria).copy())  # noqa: S307 - our own documentation
        assert isinstance(record, criteria.Criterion)
        assert (record.name, record.default_weight) == ("tools", 0.5)
        assert record.text({"shared": ["Figma", "Miro"]}) == "shared tools: Figma, Miro"
