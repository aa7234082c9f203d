"""The request portal's CSV export: every cell read or refused, none guessed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.errors import InputError
from scheduler.portal_csv import read_delegations_csv
from tests.paths import WEEKS
from visits.cli import main

SAMPLE = WEEKS / "example-delegations.csv"


def edited(
    tmp_path: Path, change: str, to: str, *, header: bool = False
) -> Path:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    k = 0 if header else 1
    assert change in lines[k]
    lines[k] = lines[k].replace(change, to, 1)
    path = tmp_path / "portal.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def problems(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as caught:
        read_delegations_csv(path)
    return [(p.path, p.message) for p in caught.value.problems]


def test_the_sample_export_reads() -> None:
    assert len(read_delegations_csv(SAMPLE).delegations) == 5


@pytest.mark.parametrize("column", ["email", "EMAIL", " Email "])
def test_a_column_written_twice_is_refused(
    tmp_path: Path, column: str
) -> None:
    path = edited(
        tmp_path,
        ",requests",
        f",{column},requests".replace(",requests", ",requests", 1),
        header=True,
    )
    # one value more per row is not needed: the header check comes first
    found = problems(path)
    assert found[0][0] == "header"
    assert "appears twice" in found[0][1]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("yes", True),
        ("Sí", True),
        ("TRUE", True),
        ("1", True),
        ("no", False),
        ("False", False),
        ("0", False),
    ],
)
def test_yes_and_no_in_either_language(
    tmp_path: Path, cell: str, expected: bool
) -> None:
    path = edited(tmp_path, ",2,,protocol", f",2,{cell},protocol")
    boston = read_delegations_csv(path).delegations[0]
    assert boston.accessible_only is expected


@pytest.mark.parametrize("cell", ["ture", "yess", "maybe", "2"])
def test_a_misspelled_yes_or_no_is_refused_with_its_row(
    tmp_path: Path, cell: str
) -> None:
    path = edited(tmp_path, ",2,,protocol", f",2,{cell},protocol")
    ((where, message),) = problems(path)
    assert where == "row 2.accessible_only"
    assert f'"{cell}" is not yes or no' in message


def test_a_bad_portal_file_is_exit_2_naming_it(tmp_path: Path) -> None:
    path = edited(tmp_path, ",2,,protocol", ",2,ture,protocol")
    week = (WEEKS / "example-csv.yaml").read_text(encoding="utf-8")
    (tmp_path / "week.yaml").write_text(
        week.replace("example-delegations.csv", str(path)).replace(
            "../catalog.yaml", str(WEEKS.parent / "catalog.yaml")
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["validate", str(tmp_path / "week.yaml")]
    )
    assert result.exit_code == 2, result.output
    assert "portal.csv" in result.output
    assert "accessible_only" in result.output
