"""The one CSV writer (lkt.core.csv_export): no text cell reaches a spreadsheet as a formula, and
figures stay numbers."""

from __future__ import annotations

import csv
import io

import pytest

from lkt.core.csv_export import Figure, csv_text, neutralised


def read_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1", "-1+1", "@SUM(1)", "\t=1", "\r=1", '=HYPERLINK("https://x.example","x")'],
)
def test_a_text_that_a_spreadsheet_would_run_gets_a_quote_in_front(text: str):
    assert neutralised(text) == "'" + text
    assert read_back(csv_text(["organisasjon"], [[text]]))[1] == ["'" + text]


@pytest.mark.parametrize("text", ["Fjordvik kommune", "<5", "2026-11", "ja", ""])
def test_ordinary_text_is_written_as_it_is(text: str):
    assert neutralised(text) == text


@pytest.mark.parametrize("figure", ["-3", "-4,25", "-45 %", "12", "83 %", "1 234"])
def test_a_negative_figure_stays_a_number(figure: str):
    assert neutralised(Figure(figure)) == figure
    assert neutralised(-3) == -3 and neutralised(-0.5) == -0.5
    assert read_back(csv_text(["verdi"], [[Figure(figure)]]))[1] == [figure]


@pytest.mark.parametrize("text", ["-1+1", "=1", "@SUM(1)", "3 kommuner", "-"])
def test_no_text_passes_for_a_figure(text: str):
    with pytest.raises(ValueError, match="not a figure"):
        Figure(text)


def test_the_file_opens_in_norwegian_excel():
    text = csv_text(["a", "b"], [["x", Figure("1,5")]])
    assert text.startswith("\ufeff")
    assert read_back(text) == [["a", "b"], ["x", "1,5"]]
