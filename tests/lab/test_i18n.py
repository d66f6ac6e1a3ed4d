"""The lab in Chinese (issue 16, section 2): the catalogs are complete and current, a
``--lang zh`` report leaves no English sentence (code, names, numbers and units aside), and a
stale translation is detected and shown in English with a visible marker."""

from __future__ import annotations

import html
import json
import re
import string
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest

from neuronlab.lab import registry
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.i18n import (
    UNTRANSLATED,
    ExperimentText,
    FigureTranslator,
    Messages,
    _framework_catalog,
    catalog_path,
    default_language,
    framework_msgids,
    problems,
)

# Words that make an English sentence (a name, a unit or a formula never needs them).
FUNCTION_WORDS = {
    "the", "of", "and", "with", "for", "from", "than", "each", "every", "is", "are", "was", "were", "be", "by",
    "on", "in", "at", "to", "as", "when", "where", "which", "that", "this", "these", "not", "no", "over", "per",
    "between", "after", "before", "into", "its", "their", "it", "an", "or", "has", "have", "does", "do", "but",
    "if", "only", "both", "same", "more", "less", "while", "then", "so", "all", "any", "one", "two",
}  # fmt: skip


def english_sentences(text: str) -> list[str]:
    """Runs of three or more ASCII words containing an English function word."""
    found = []
    for run in re.finditer(r"[A-Za-z][A-Za-z'’-]*(?:[\s,;:()/]+[A-Za-z][A-Za-z'’-]*){2,}", text):
        words = re.findall(r"[A-Za-z][A-Za-z'’-]*", run.group())
        if any(w.lower() in FUNCTION_WORDS for w in words):
            found.append(run.group())
    return found


class _Text(HTMLParser):
    """The visible text of a page, without code, scripts, styles and the quoted Chinese question."""

    SKIP = {"code", "script", "style", "pre"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping.append(tag)

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return "\n".join(parser.parts)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# ---------------------------------------------------------------- the framework's catalog


def test_the_framework_catalog_translates_every_message_and_no_other():
    catalog = _framework_catalog("zh")
    used = framework_msgids()
    assert not sorted(used - set(catalog)), "messages without a translation"
    assert not sorted(set(catalog) - used), "translations of messages the code no longer uses"
    for msgid, translation in catalog.items():
        assert _fields(msgid) == _fields(translation), msgid
        assert not english_sentences(re.sub(r"`[^`]*`|<[^>]+>", "", translation)), translation


def test_messages_fall_back_to_english_with_the_marker():
    assert Messages("zh")("a message nobody translated") == f"{UNTRANSLATED} a message nobody translated"
    assert Messages("en")("{n} seeds", n=3) == "3 seeds"


def test_default_language_from_the_locale(monkeypatch):
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert default_language() == "zh"
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert default_language() == "en"
    monkeypatch.setenv("LANGUAGE", "zh_TW:en")
    assert default_language() == "zh"


# ---------------------------------------------------------------- the experiments' catalogs


@pytest.mark.parametrize("name", registry.NAMES)
def test_each_experiment_catalog_is_complete_and_current(name):
    """Fails when an English title, setup, statement, metric, note or course quote changed and
    its translation did not (``python -m neuronlab.lab.i18n check`` lists the same)."""
    module = registry.load(name)
    assert catalog_path(module, "zh").exists(), f"no zh catalog for {name}"
    assert problems(module, "zh") == []


def _fake_module(tmp_path: Path, catalog: dict):
    (tmp_path / "zh.json").write_text(json.dumps(catalog, ensure_ascii=False))
    return SimpleNamespace(
        __file__=str(tmp_path / "__init__.py"), NAME="fake", TITLE="A title", SIZES={"epochs": (30, 8)},
        QUESTION_ZH="问题", QUESTION_EN="question",
        setup=lambda config: f"Adam for {config.sizes({'epochs': (30, 8)})['epochs']} epochs.",
        CLAIMS=[SimpleNamespace(id="c", statement="Adam beats SGD now", metric="gap", note=None, course_says=None)],
    )  # fmt: skip


def test_a_stale_translation_is_detected_and_shown_in_english_with_the_marker(tmp_path):
    module = _fake_module(tmp_path, {
        "title": {"en": "A title", "zh": "标题"},
        "setup": {"en": {"full": "Adam for 30 epochs.", "quick": "Adam for 8 epochs."}, "zh": "Adam 训练 {epochs} 轮。"},
        "claims": {"c": {"statement": {"en": "Adam beats SGD", "zh": "Adam 胜过 SGD"}, "metric": {"en": "gap", "zh": "差距"}}},
    })  # fmt: skip
    texts = ExperimentText(module, "zh")
    assert texts.title() == "标题"
    assert texts.setup(LabConfig(quick=True)) == "Adam 训练 8 轮。"
    record = {"id": "c", "statement": "Adam beats SGD now", "metric": "gap"}
    assert texts.claim_field(record, "statement") == f"{UNTRANSLATED} Adam beats SGD now"
    assert texts.claim_field(record, "metric") == "差距"
    assert any("claim c statement: stale" in p for p in problems(module, "zh"))


def test_figure_templates_translate_numbers_through():
    translate = FigureTranslator({"test accuracy": "测试准确率", "lr = {lr}": "学习率 = {lr}"})
    assert translate("test accuracy") == "测试准确率" and translate("lr = 0.03") == "学习率 = 0.03"
    assert translate("something else") is None


# ---------------------------------------------------------------- the report


def test_english_sentences_are_found():
    assert english_sentences("判定：the rule is > 0")
    assert not english_sentences("Adam、SGD 与 Momentum；Conv2d(1, 10, 5)；ReLU MLP 64-64-10")


@pytest.fixture(scope="module")
def zh_report(quick_run, tmp_path_factory):
    """A --lang zh report of every experiment's shared quick run (figures not drawn: their
    labels are checked apart)."""
    from neuronlab.lab.report import build_report
    from neuronlab.lab.results_io import write_results

    out = tmp_path_factory.mktemp("zh-report")
    for name in registry.NAMES:
        write_results(out / name / "results.json", quick_run(name))
    originals = {}
    for name in registry.NAMES:
        module = registry.load(name)
        originals[name] = module.figures
        module.figures = lambda runs: {}
    try:
        build_report(out, lang="zh")
    finally:
        for name, figures in originals.items():
            registry.load(name).figures = figures
    return out


def test_the_chinese_report_has_no_english_sentence(zh_report, quick_run):
    course_quotes = {
        c["course_says"] for n in registry.NAMES for c in quick_run(n)["claims"] if c["course_says"]
    }
    for page in ("index.html", "README.md"):
        text = (zh_report / page).read_text(encoding="utf-8")
        if page == "index.html":
            text = visible_text(text)
        else:
            text = re.sub(r"`[^`]*`|<[^>]+>|\]\([^)]*\)", " ", text)
        assert UNTRANSLATED not in text, f"{page}: untranslated texts"
        for quote in course_quotes:  # the seed's own words, quoted (Chinese, with its English terms)
            text = text.replace(quote, " ").replace(html.escape(quote), " ")
        left = english_sentences(text)
        assert not left, f"{page}: {left[:10]}"
    assert '<html lang="zh">' in (zh_report / "index.html").read_text(encoding="utf-8")


def test_the_chinese_report_keeps_the_numbers(zh_report, quick_run):
    page = (zh_report / "index.html").read_text(encoding="utf-8")
    claim = quick_run("conv-arithmetic")["claims"][0]
    assert "得到支持" in page or "被否定" in page or "无定论" in page
    from neuronlab.lab.claims import format_measured, format_number

    assert html.escape(f"{claim['rule']} {format_number(claim['threshold'])}") in page
    assert html.escape(format_measured(claim)) in page


@pytest.mark.slow
@pytest.mark.parametrize("name", registry.NAMES)
def test_every_figure_text_has_a_translation(quick_run, name):
    module = registry.load(name)
    runs = [r["results"] for r in quick_run(name)["runs"]]
    assert [p for p in problems(module, "zh", runs) if p.startswith(("figure", "table"))] == []


@pytest.mark.parametrize("font", [None, "WenQuanYi Micro Hei"])
def test_figure_labels_in_chinese_only_with_a_font(quick_run, tmp_path, monkeypatch, font):
    """With a CJK font the figures' texts are translated; without one they stay in English
    and the report says why under the figures."""
    from neuronlab.lab import report
    from neuronlab.lab.results_io import write_results

    seen = []
    monkeypatch.setattr(report, "cjk_font", lambda: font)
    monkeypatch.setattr(
        report,
        "translate_figure",
        lambda fig, translate, f: seen.append(translate(fig.axes[0].get_title() or "x")),
    )
    write_results(tmp_path / "backprop" / "results.json", quick_run("backprop"))
    report.build_report(tmp_path, ["backprop"], lang="zh")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    note = Messages("zh")(report.NO_CJK_FONT_NOTE)
    assert (note in page) == (font is None)
    assert bool(seen) == (font is not None)
