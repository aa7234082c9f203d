from __future__ import annotations

import pytest

from exports.i18n import delegation_lang


@pytest.mark.parametrize(
    ("languages", "override", "expected"),
    [
        (["en", "es"], None, "en"),  # first of es/en wins
        (["es", "en"], None, "es"),
        (["pt", "es"], None, "es"),  # Portuguese speakers who read Spanish
        (["ko"], None, "en"),  # neither: English
        (["es"], "en", "en"),  # --lang overrides
    ],
)
def test_delegation_agenda_language(
    languages: list[str], override: str | None, expected: str
) -> None:
    assert delegation_lang(languages, override) == expected  # type: ignore[arg-type]
