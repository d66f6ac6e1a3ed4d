"""The lab's runner, report and command line: every experiment is registered and complete,
the report is built from saved results, parses as HTML, and references images that exist;
the same seed gives the same numbers."""

import json
import re
import stat
from html.parser import HTMLParser

import pytest

from neuronlab.cli import main
from neuronlab.lab import NAMES, available, load
from neuronlab.lab.experiment import REQUIRED, Table, format_cell


def test_every_registered_experiment_exists_and_has_the_contract():
    assert available() == list(NAMES)
    assert len(NAMES) >= 23
    for name in NAMES:
        module = load(name)
        assert module.NAME == name
        for attribute in REQUIRED:
            assert getattr(module, attribute), (name, attribute)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in module.QUESTION_ZH), (
            f"{name}: the question is quoted in Chinese"
        )


def test_the_lab_makes_at_least_100_claims_each_on_a_course_question():
    claims = [c for name in NAMES for c in load(name).CLAIMS]
    assert len(claims) >= 100, len(claims)
    assert all(re.match(r"^(000|001|002|003|004)", c.question) for c in claims), [
        c.question for c in claims if not re.match(r"^(000|001|002|003|004)", c.question)
    ]


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.sections, self.stack = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in ("img", "meta", "br", "hr"):
            self.stack.append(tag)
        if tag == "img":
            self.images.append(attrs["src"])
        if tag == "section":
            self.sections.append(attrs["id"])

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}>"
        self.stack.pop()


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("lab")
    assert main(["lab", "run", "conv-arithmetic", "--quick", "--seed", "3", "--out", str(out)]) == 0
    return out


def test_report_is_complete_and_parses(report_dir):
    page = (report_dir / "index.html").read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(page)
    parser.close()
    assert parser.stack == ["html"] or parser.stack == []
    assert parser.sections == ["conv-arithmetic"]
    assert parser.images and all((report_dir / src).is_file() for src in parser.images)
    assert "http://" not in page and "https://" not in page  # nothing fetched from the network
    assert 'name="viewport"' in page and "Noto Sans CJK SC" in page and 'class="scroll"' in page
    assert "Verdicts across the lab" in page and "mode: quick" in page
    readme = (report_dir / "README.md").read_text(encoding="utf-8")
    assert "## Convolution" in readme and "conv-arithmetic/cnn_vs_mlp.png" in readme
    for path in [
        report_dir / "index.html",
        report_dir / "README.md",
        report_dir / "conv-arithmetic" / "results.json",
    ]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o044 == 0o044, path  # readable by others


def test_markdown_tables_have_one_cell_per_header(report_dir):
    readme = (report_dir / "README.md").read_text(encoding="utf-8")
    tables = re.findall(r"((?:^\|.*\|$\n?)+)", readme, flags=re.M)
    assert tables
    for block in tables:
        rows = [re.split(r"(?<!\\)\|", line.strip())[1:-1] for line in block.strip().split("\n")]
        assert len({len(r) for r in rows}) == 1, block


def test_results_json_holds_the_claims_contract_and_timings_apart(report_dir):
    payload = json.loads((report_dir / "conv-arithmetic" / "results.json").read_text())
    assert payload["settings"]["seed"] == 3 and payload["settings"]["quick"] is True
    assert payload["settings"]["seeds"] == [3, 4, 5]
    assert {"neuronlab", "numpy", "python"} <= set(payload["versions"])
    assert [r["seed"] for r in payload["runs"]] == [3, 4, 5]
    assert payload["runs"][0]["results"]["layers"][0]["counted_params"] == 260
    assert len(payload["timings"]["run_seconds"]) == 3
    claims = {c["id"]: c for c in payload["claims"]}
    assert claims["seed-layer-260"]["verdict"] == "supports" and claims["seed-layer-260"]["values"] == [
        0,
        0,
        0,
    ]
    assert claims["seed-formula-without-floor"]["verdict"] == "contradicts"


def test_same_seed_same_numbers(report_dir, tmp_path):
    assert main(["lab", "run", "conv-arithmetic", "--quick", "--seed", "3", "--out", str(tmp_path)]) == 0
    first = json.loads((report_dir / "conv-arithmetic" / "results.json").read_text())
    second = json.loads((tmp_path / "conv-arithmetic" / "results.json").read_text())
    assert first["runs"] == second["runs"] and first["claims"] == second["claims"]


def test_jobs_spread_seeds_over_processes_with_the_same_numbers(report_dir, tmp_path):
    assert (
        main(
            ["lab", "run", "conv-arithmetic", "--quick", "--seed", "3", "--jobs", "2", "--out", str(tmp_path)]
        )
        == 0
    )
    first = json.loads((report_dir / "conv-arithmetic" / "results.json").read_text())
    second = json.loads((tmp_path / "conv-arithmetic" / "results.json").read_text())
    assert first["claims"] == second["claims"]


def test_report_rebuilds_without_rerunning(report_dir, capsys):
    results = report_dir / "conv-arithmetic" / "results.json"
    before = results.stat().st_mtime_ns
    (report_dir / "index.html").unlink()
    assert main(["lab", "report", str(report_dir)]) == 0
    assert (report_dir / "index.html").exists() and results.stat().st_mtime_ns == before
    assert "rebuilt" in capsys.readouterr().out


def test_lab_list_names_every_experiment(capsys):
    assert main(["lab", "list"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in NAMES)


def test_lab_errors_are_one_line(capsys, tmp_path):
    assert main(["lab", "run", "no-such-experiment", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "unknown experiment" in err and "\n" not in err
    assert main(["lab", "run"]) == 2
    assert main(["lab", "run", "conv-arithmetic", "--jobs", "0", "--out", str(tmp_path)]) == 2
    assert "--jobs" in capsys.readouterr().err
    assert main(["lab", "report", str(tmp_path / "empty")]) == 2


def test_format_cell_and_table():
    assert format_cell(3) == "3" and format_cell(0.123456) == "0.1235" and format_cell(1.5e-7) == "1.500e-07"
    assert Table(["a"], [[1.0]]).formatted_rows() == [["1"]]
