"""`kptui data inspect` on the bad-input corpus and on real exports, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_process import kptui

DATA = Path(__file__).resolve().parents[1] / "data"
BAD = DATA / "bad"


# file in the corpus -> words the message must contain
BAD_CASES = {
    "empty.csv": "empty",
    "blank_lines.csv": "empty",
    "header_only": "only a header",
    "bom_header_only.csv": "only a header",
    "missing_title.csv": "missing required column 'title'",
    "wrong_delimiter.csv": "delimiter",
    "ragged_rows.csv": "wrong number of fields",
    "gbk_bad_date.csv": "timestamp not understood ('明天')",
    "utf16.csv": "no rows (only a header)",  # UTF-16 is read; this one has only a header
    "binary.csv": "not a text file",
    "garbage.xlsx": "not an Excel",
    "fake_excel.xlsx": "holds CSV text",
    "broken.parquet": "not a readable Parquet",
    "bad_lines.jsonl": "malformed JSON line",
    "duplicate_ids.csv": "duplicate video_id",
    "negative_counts.csv": "negative value",
    "nan_inf.csv": "not a number ('NaN', 'inf', '-inf')",
    "text_in_numbers.csv": "not a number ('lots')",
    "empty_ids.csv": "empty video_id",
    "unbalanced_quote.csv": "never closed",
    "no_data_files": "no data files",
    "unknown_events": "unknown event 'dance', 'teleport'",
    "bad_dates": "timestamp not understood ('2024-13-45 10:00:00', 'yesterday')",
    "unknown_video": "video not in the videos file",
    "missing_event": "missing required column 'event'",
    "only_interactions": "no videos file",
    # issue 18: nothing misread silently, no internal error
    "shifted_quoted.csv": "shifted_quoted.csv:501",
    "unclosed_quote_rows.csv": "never closed: it held 36 line(s) that look like rows",
    "decimal_comma.csv": "decimal commas ('123,5', '99,9')",
    "thousands_semicolon.csv": "read as thousands separators",
    "duplicate_title.csv": "2 columns could be title: used 'title'",
    "alias_clash.csv": "ignored '标题'",
    "nested.jsonl": "nested JSON value",
    "deep.json": "nested too deeply",
    "deep.jsonl": "nested more than 64 levels deep",
    "implausible.csv": "implausible value ('1e20', '100000': longer than a day)",
    "huge_tags.csv": "more than 100 tags on one video",
    "bad_byte.csv": "bad_byte.csv:22:title 1 2 byte(s) that are not UTF-8 text (the first at byte "
    "offset 789, column 'title'); 1 row(s) skipped",
    "bad_byte_short.csv": "bad_byte_short.csv:3:title: cannot decode as UTF-8 or GB18030/GBK text "
    "(the first bad byte at byte offset 64, column 'title')",
    "stray_config": "skipped config.json, notes.csv, thumbs.json: not a videos",
    "side_by_side": "the same table in 2 files",
    "parquet_struct.parquet": "nested values (struct)",
    "parquet_binary.parquet": "not UTF-8 text",
    "parquet_null.parquet": "empty title",
    "xlsx_1e300.xlsx": "implausible value",
    "xlsx_formula.xlsx": "formula cell without a calculated value",
    # issue 18, third pass
    "mixed_line_ends.csv": "6 line(s) ended by a CR alone (old Mac line ends; the first on line 6)",
    "cr_in_quotes.csv": "no problems found",  # was an internal error (csv.Error)
    "nul_late.csv": "nul_late.csv:801:title 1 1 NUL byte(s) (binary data, not text) (the first "
    "at byte offset 19,701, column 'title'); 1 row(s) skipped",
    "joined_exports.csv": "joined_exports.csv:5 1 the header repeated as a row (files joined",
    "utf16_nobom.csv": "no problems found",  # was: not a text file
    "utf32.csv": "no problems found",
    "gzip.csv": "gzip-compressed: decompress it first",
    "thousands_dots.csv": "dots in a ';' file ('1.234', '12.345.678') read as thousands",
    "row_column.csv": "no problems found",  # was an internal error (DuplicateError)
    "fullwidth_numbers.csv": "no problems found",  # was: not a number ('１２３')
    "crcrlf.csv": "4 line(s) ended by CR CR LF",  # was 'empty video_id' for blank rows
    "dup_keys.jsonl": "the key twice in one object: the first value used",
    "xlsx_serial_dates.xlsx": "read as dates (45292 = 2024-01-01)",
    "array_tricky.json": "the key twice in one object (object 3 and 1 more of the array)",
    "dup_keys_spaced.jsonl": "the key twice in one object: the first value used",
    "ctrl_z.csv": "Ctrl-Z byte(s) (0x1A, the end-of-file mark of old DOS programs)",
}


# usable despite the problem: `data inspect` reports it and exits 0 (SPEC: 1 = nothing usable)
USABLE = {
    "ragged_rows.csv",
    "gbk_bad_date.csv",
    "fake_excel.xlsx",
    "bad_lines.jsonl",
    "duplicate_ids.csv",
    "negative_counts.csv",
    "nan_inf.csv",
    "text_in_numbers.csv",
    "empty_ids.csv",
    "unknown_events",
    "bad_dates",
    "unknown_video",
    # issue 18: read, with what was wrong reported
    "unbalanced_quote.csv",  # the rows the quote would swallow are read
    "shifted_quoted.csv",
    "unclosed_quote_rows.csv",
    "decimal_comma.csv",
    "thousands_semicolon.csv",
    "duplicate_title.csv",
    "alias_clash.csv",
    "nested.jsonl",
    "implausible.csv",
    "huge_tags.csv",
    "bad_byte.csv",
    "stray_config",
    "side_by_side",
    "parquet_struct.parquet",
    "parquet_binary.parquet",
    "parquet_null.parquet",
    "xlsx_1e300.xlsx",
    "xlsx_formula.xlsx",
    "mixed_line_ends.csv",
    "cr_in_quotes.csv",
    "array_tricky.json",
    "dup_keys_spaced.jsonl",
    "ctrl_z.csv",
    "nul_late.csv",
    "joined_exports.csv",
    "utf16_nobom.csv",
    "utf32.csv",
    "thousands_dots.csv",
    "row_column.csv",
    "fullwidth_numbers.csv",
    "crcrlf.csv",
    "dup_keys.jsonl",
    "xlsx_serial_dates.xlsx",
}


def test_corpus_is_complete():
    present = {p.name for p in BAD.iterdir() if p.name not in {"make_bad.py", "README.md"}}
    assert present == set(BAD_CASES)
    assert sum(1 for p in BAD.rglob("*") if p.is_file()) >= 25


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_input_gives_one_clear_line(name: str):
    res = kptui("data", "inspect", str(BAD / name))
    assert res.returncode == 0 if name in USABLE else res.returncode in (1, 2), res
    assert "Traceback" not in res.stderr + res.stdout
    text = res.stderr + res.stdout
    assert BAD_CASES[name] in " ".join(text.split()), text
    if res.stderr.strip():
        assert len(res.stderr.strip().splitlines()) == 1, res.stderr


@pytest.mark.parametrize("name", ["unknown_events", "bad_dates", "duplicate_ids.csv"])
def test_bad_rows_reported_in_json_and_good_rows_kept(name: str):
    res = kptui("data", "inspect", str(BAD / name), "--json")
    assert res.returncode == 0  # usable: reported, not refused
    doc = json.loads(res.stdout)
    problem = (doc["problems"] or doc["notices"])[0]  # duplicates merged are a notice
    assert problem["file"] and problem["row"] and problem["column"]
    assert problem["count"] >= 1
    assert doc["videos"] >= 2


def test_problem_rows_point_at_the_right_lines():
    doc = json.loads(kptui("data", "inspect", str(BAD / "unknown_events"), "--json").stdout)
    (problem,) = doc["problems"]
    assert (problem["file"], problem["row"], problem["column"]) == ("interactions.csv", 3, "event")
    assert problem["count"] == 2 and problem["examples"] == [3, 4]
    assert doc["interactions"] == 1


def test_ten_megabyte_field(tmp_path: Path):
    big = tmp_path / "videos.csv"
    big.write_text("video_id,title,description\nv1,Big," + "x" * 10_000_000 + "\nv2,Small,ok\n")
    res = kptui("data", "inspect", str(big), "--json")
    assert res.returncode == 0
    doc = json.loads(res.stdout)
    assert doc["videos"] == 2
    cut, longer = doc["problems"]
    assert (cut["row"], cut["column"]) == (2, "description")
    assert "over 1 MB (the largest 10,000,000 bytes)" in cut["message"]
    assert "longer than 100,000 characters" in longer["message"]


def test_missing_path_and_bad_usage():
    res = kptui("data", "inspect", "/no/such/place")
    assert res.returncode == 1
    assert res.stderr.strip() == "error: /no/such/place: no such file or folder"
    res = kptui("data", "inspect")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    res = kptui("data", "inspect", str(BAD / "duplicate_ids.csv"), "--map", "nonsense")
    assert res.returncode == 2 and "COLUMN=FIELD" in res.stderr


def test_real_exports_inspect_json():
    res = kptui("data", "inspect", str(DATA / "real" / "CAvideos.csv"), "--json")
    doc = json.loads(res.stdout)
    assert doc["videos"] == 577
    assert doc["duplicates_merged"] == 209
    assert doc["date_range"][1].startswith("2017-11")
    assert 0.85 < doc["tagged_share"] < 0.95
    assert set(doc) >= {
        "files",
        "videos",
        "viewers",
        "interactions",
        "events",
        "date_range",
        "tagged_share",
        "duplicates_merged",
        "problems",
    }


def test_markup_and_escapes_in_data_are_shown_literally(tmp_path: Path):
    (tmp_path / "videos.csv").write_text(
        'video_id,title,views\nv1,x,"[bold red]x[/] \x1b[31mred"\n', encoding="utf-8"
    )
    res = kptui("data", "inspect", str(tmp_path / "videos.csv"))
    assert res.returncode == 0  # usable; the bad value is reported
    assert "\x1b" not in res.stdout
    flat = "".join(res.stdout.split())
    assert "[boldred]x[/]" in flat  # the markup is printed, not applied


def test_debug_env_shows_traceback():
    import os

    env = {**os.environ, "KPTUI_DEBUG": "1"}
    res = subprocess.run(
        [sys.executable, "-m", "kptui", "data", "inspect", str(BAD / "empty.csv")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert "Traceback" in res.stderr and "DataError" in res.stderr
