"""Building the lab report from saved results: ``DIR/index.html`` (one page, opens in any
browser, nothing fetched from the network), ``DIR/README.md`` and one PNG per figure.

Everything on the page comes from ``DIR/<name>/results.json``: the claims were decided when the
experiment ran; the figures are drawn from each seed's saved results; every sentence about a
claim is rendered from its verdict (``claims.describe``). ``neuronlab lab report DIR`` rebuilds
the report without re-running anything.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from neuronlab.lab import registry
from neuronlab.lab.claims import VERDICTS, course_verdict, describe, format_measured, format_number, summarize
from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.i18n import (
    N_,
    UNTRANSLATED,
    ExperimentText,
    Messages,
    check_language,
    cjk_font,
    translate_figure,
)
from neuronlab.lab.plots import save_figure
from neuronlab.lab.results_io import read_results

CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
             "WenQuanYi Micro Hei", "SimHei", "Noto Sans SC")  # fmt: skip

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, FONTS, sans-serif; max-width: 1150px;
       margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { border-bottom: 2px solid #444; } h2 { margin-top: 2.5em; border-bottom: 1px solid #bbb; }
blockquote { margin: 0.6em 0; padding: 0.4em 1em; background: #f6f6f6; border-left: 4px solid #999;
             white-space: pre-line; }
.zh { font-size: 0.95em; } .meta { color: #666; font-size: 0.9em; } .note { color: #555; font-size: 0.88em; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; vertical-align: top; } th { background: #eee; }
td.num { text-align: right; white-space: nowrap; }
.supports { background: #e4f4e4; } .contradicts { background: #fbe3e3; } .inconclusive { background: #f3f0dc; }
img { max-width: 100%; border: 1px solid #ddd; margin: 0.4em 0; }
.conclusion { background: #eef3f8; border-left: 4px solid #58a; padding: 0.5em 1em; }
#cjk-note { display: none; background: #fff6d6; padding: 0.4em 1em; }
.untranslated { color: #a60; }
""".replace("FONTS", ", ".join(f'"{f}"' for f in CJK_FONTS))

# Shown only when the browser has none of the CJK fonts (the Chinese questions would be boxes).
CJK_CHECK = (
    "<script>(function(){var f=" + repr(list(CJK_FONTS)).replace("'", '"') + ";"
    "if(!document.fonts||!document.fonts.check)return;"
    "var ok=f.some(function(n){return document.fonts.check('16px \"'+n+'\"','\\u4e2d');});"
    "if(!ok)document.getElementById('cjk-note').style.display='block';})();</script>"
)

VERDICT_LABEL = {
    "supports": N_("supports"),
    "contradicts": N_("contradicts"),
    "inconclusive": N_("inconclusive"),
}
COURSE_LABEL = {"holds": N_("holds"), "fails": N_("fails"), "undecided": N_("undecided")}


@dataclass
class Section:
    """One experiment's part of the report, everything derived from its saved results."""

    name: str
    title: str
    course: str
    question_zh: str
    question_en: str
    setup: str
    claims: list[dict]
    figures: list[str]
    table: Table | None
    timings: list[tuple[str, float, float, float]]
    settings: dict
    see_also: tuple[str, ...]
    texts: ExperimentText | None = None
    figure_note: str | None = None


def build_section(out: Path, name: str, lang: str = "en") -> Section:
    """Draw the figures and gather the claims of one experiment, in ``lang``."""
    module = registry.load(name)
    texts = ExperimentText(module, lang)
    translate = texts.figure_translator()
    font = cjk_font() if translate is not None else None
    payload = read_results(out / name / "results.json")
    settings = payload["settings"]
    # Figures and tables may draw the timings too (kept apart in results.json, put back here).
    timings = payload["timings"]["per_seed"]
    runs = [{**r["results"], **({"timings": t} if t else {})} for r, t in zip(payload["runs"], timings)]
    config = LabConfig(quick=settings.get("quick", False), seed=settings.get("seed", 0), out=out)
    figure_files = []
    for fig_name, fig in module.figures(runs).items():
        if translate is not None and font is not None:  # without a CJK font Chinese labels would be boxes
            translate_figure(fig, translate, font)
        save_figure(fig, out / name / f"{fig_name}.png")
        figure_files.append(f"{name}/{fig_name}.png")
    table = module.table(runs) if hasattr(module, "table") else None
    if table is not None and lang != "en":
        table = Table([texts.cell(h) for h in table.headers],
                      [[texts.cell(c) if isinstance(c, str) else c for c in row] for row in table.rows])  # fmt: skip
    note = None
    if translate is not None and font is None and figure_files:
        note = Messages(lang)(NO_CJK_FONT_NOTE)
    return Section(
        name=name, title=texts.title(), course=module.COURSE, question_zh=module.QUESTION_ZH,
        question_en=module.QUESTION_EN, setup=texts.setup(config), claims=payload["claims"],
        figures=figure_files, table=table, timings=timing_rows(payload["timings"]), settings=settings,
        see_also=tuple(getattr(module, "SEE_ALSO", ())), texts=texts, figure_note=note,
    )  # fmt: skip


NO_CJK_FONT_NOTE = N_(
    "The figure labels are in English: no Chinese font was found for matplotlib on the machine that drew "
    "them (install one, e.g. fonts-noto-cjk or fonts-wqy-microhei, and rebuild the report)."
)


def timing_rows(timings: dict) -> list[tuple[str, float, float, float]]:
    """(what, median, min, max) over seeds for every number measured under ``"timings"``."""
    series: dict[str, list[float]] = {RUN_SECONDS: list(timings["run_seconds"])}
    for per_seed in timings["per_seed"]:
        for key, value in _flatten(per_seed or {}):
            series.setdefault(key, []).append(value)
    return [(k, float(np.median(v)), float(min(v)), float(max(v))) for k, v in series.items() if v]


RUN_SECONDS = N_("run (s)")


def _flatten(tree, prefix: str = ""):
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _flatten(value, f"{prefix}/{key}" if prefix else str(key))
    elif isinstance(tree, int | float) and not isinstance(tree, bool):
        yield prefix, float(tree)


def build_report(out: Path, names: list[str] | None = None, log=None, lang: str | None = "en",
                 progress: bool | None = False) -> list[Section]:  # fmt: skip
    """Write ``index.html`` and ``README.md`` for every experiment with saved results, in
    ``lang`` (``"en"``, ``"zh"``; None: the locale's). Which experiment's figures are being
    drawn is shown on a progress bar (``progress``: True, or None for a terminal or notebook),
    else told to ``log`` (e.g. ``print``)."""
    from neuronlab.lab.runner import progress_bar

    lang = check_language(lang)
    out = Path(out)
    if names is None:
        names = [n for n in registry.NAMES if (out / n / "results.json").exists()]
    if not names:
        raise FileNotFoundError(f"no results in {out}: run 'neuronlab lab run --all --out {out}' first")
    sections = []
    bar = progress_bar(len(names), progress, "report")
    try:
        for i, name in enumerate(names, 1):
            if bar is not None:
                bar.set_postfix_str(f"{name}: drawing the figures", refresh=True)
            elif log is not None:
                log(f"  report {i}/{len(names)}: drawing the figures of {name}")
            sections.append(build_section(out, name, lang))
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    header = _header(out, names, Messages(lang))
    (out / "index.html").write_text(render_html(sections, header, lang), encoding="utf-8")
    (out / "README.md").write_text(render_markdown(sections, header, lang), encoding="utf-8")
    return sections


def _header(out: Path, names: list[str], m: Messages) -> dict:
    payloads = [read_results(out / n / "results.json") for n in names]
    modes = sorted({p["settings"].get("mode", "?") for p in payloads})
    bases = sorted({p["settings"].get("seed", 0) for p in payloads})
    counts = sorted({len(p["settings"].get("seeds", [])) for p in payloads})
    versions = payloads[0]["versions"]
    return {
        "mode": ", ".join(m(mode) for mode in modes),
        "seeds": m(SEEDS_LINE, bases=", ".join(map(str, bases)), counts=m(" or ").join(map(str, counts))),
        "versions": ", ".join(f"{k} {v}" for k, v in versions.items()),
    }


SEEDS_LINE = N_("base seed {bases}; {counts} seeds per experiment")
MODES = (N_("quick"), N_("full"))

# ---------------------------------------------------------------- HTML


def _untranslated_html(text: str) -> str:
    """Escaped text, the untranslated marker shown as such."""
    escaped = html.escape(text)
    marker = html.escape(UNTRANSLATED)
    return escaped.replace(
        marker, f'<span class="untranslated" title="no current translation">{marker}</span>'
    )


def _paragraphs(text: str) -> str:
    """Paragraphs of escaped text; `code` in backquotes as <code>."""
    return "".join(
        "<p>" + re.sub(r"`([^`]+)`", r"<code>\1</code>", _untranslated_html(p)) + "</p>"
        for p in text.split("\n\n")
        if p.strip()
    )


def _html_table(headers: list[str], rows: list[list[str]], classes: list[str] | None = None) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        f'<tr class="{classes[i] if classes else ""}">' + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
        for i, row in enumerate(rows)
    )
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


CLAIM_HEADERS = [N_("question"), N_("claim"), N_("course says"), N_("metric"), N_("measured mean [95% interval]"),
                 N_("rule"), N_("verdict"), N_("course's answer")]  # fmt: skip
SUMMARY_HEADERS = [N_("experiment"), N_("course")]
TIMING_HEADERS = [N_("measurement"), N_("median"), N_("min"), N_("max")]


def _field(s: Section, claim: dict, field: str) -> str | None:
    return s.texts.claim_field(claim, field) if s.texts is not None else claim.get(field)


def _claim_rows_html(s: Section, m: Messages) -> list[list[str]]:
    e, u = html.escape, _untranslated_html
    rows = []
    for c in s.claims:
        note = _field(s, c, "note")
        statement = u(_field(s, c, "statement")) + (f'<div class="note">{u(note)}</div>' if note else "")
        course = course_verdict(c)
        rows.append([
            e(c["question"]), statement, u(_field(s, c, "course_says") or "—"), u(_field(s, c, "metric")),
            f'<span class="num">{e(format_measured(c, m))}</span>',
            e(f"{c['rule']} {format_number(c['threshold'])}"), f"<b>{e(m(VERDICT_LABEL[c['verdict']]))}</b>",
            e(m(COURSE_LABEL[course]) if course else "—"),
        ])  # fmt: skip
    return rows


def _summary_html(sections: list[Section], m: Messages) -> str:
    rows, classes = [], []
    for s in sections:
        n = summarize(s.claims)
        rows.append([f'<a href="#{html.escape(s.name)}">{_untranslated_html(s.title)}</a>', html.escape(s.course)]
                    + [str(n[v]) for v in VERDICTS])  # fmt: skip
        classes.append("")
    total = summarize([c for s in sections for c in s.claims])
    rows.append(
        [f"<b>{html.escape(m('all experiments'))}</b>", ""] + [f"<b>{total[v]}</b>" for v in VERDICTS]
    )
    classes.append("")
    headers = [m(h) for h in SUMMARY_HEADERS] + [m(VERDICT_LABEL[v]) for v in VERDICTS]
    return _html_table(headers, rows, classes)


REPORT_TITLE = N_("neuronlab lab report")
MODE_LINE = N_("mode: {mode}")
CJK_NOTE = N_(
    "No Chinese (CJK) font was found in this browser: the course's questions, quoted in Chinese, may show as "
    "boxes. Install a CJK font such as Noto Sans CJK to read them."
)
INTRO_HTML = N_(
    "Each section answers questions of the course by measurement. Every conclusion is a claim, measured on "
    "several seeds: the table shows the mean and a 95% interval (Student's t over seeds) and the verdict — "
    "<i>supports</i> or <i>contradicts</i> the claim when the interval is on one side of the rule's threshold, "
    "<i>inconclusive</i> when it contains it. Where the course's worked answer says something, the last "
    "column says whether it holds."
)
INTRO_MD = N_(
    "Every conclusion is a claim measured on several seeds: mean, 95% interval (Student's t over seeds) "
    "and verdict (supports / contradicts / inconclusive)."
)
ACROSS = N_("Verdicts across the lab")


def render_html(sections: list[Section], header: dict, lang: str = "en") -> str:
    e = html.escape
    m = Messages(lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(m(REPORT_TITLE))}</title><style>{CSS}</style></head><body>",
        f"<h1>{e(m(REPORT_TITLE))}</h1>",
        f'<p class="meta">{e(m(MODE_LINE, mode=header["mode"]))} · {e(header["seeds"])} · '
        f"<code>{e(header['versions'])}</code></p>",
        f'<p id="cjk-note">{e(m(CJK_NOTE))}</p>',
        f"<p>{m(INTRO_HTML)}</p>",
        f"<h2>{e(m(ACROSS))}</h2>",
        _summary_html(sections, m),
    ]
    for s in sections:
        parts += _section_html(s, m)
    parts += [CJK_CHECK, "</body></html>"]
    return "\n".join(parts)


EXPERIMENT_LINE = N_("experiment {name} · course {course} · {mode} mode · seeds {seeds}")


def _section_html(s: Section, m: Messages) -> list[str]:
    e = html.escape
    seeds = ", ".join(map(str, s.settings.get("seeds", [])))
    meta = e(m(EXPERIMENT_LINE, name="\0", course=s.course, mode=m(s.settings.get("mode", "")), seeds=seeds))
    parts = [
        f'<section id="{e(s.name)}"><h2>{_untranslated_html(s.title)}</h2>',
        f'<p class="meta">{meta.replace(chr(0), f"<code>{e(s.name)}</code>")}</p>',
        f'<blockquote class="zh" lang="zh">{e(s.question_zh.strip())}</blockquote>',
    ]
    if m.lang != "zh":  # in Chinese the seed's own words are the question
        parts.append(f"<blockquote>{e(s.question_en.strip())}</blockquote>")
    parts += [
        f"<h3>{e(m('Setup'))}</h3>{_paragraphs(s.setup)}",
        f"<h3>{e(m('Claims'))}</h3>",
        _html_table([m(h) for h in CLAIM_HEADERS], _claim_rows_html(s, m), [c["verdict"] for c in s.claims]),
    ]
    if s.figure_note:
        parts.append(f'<p class="note">{e(s.figure_note)}</p>')
    parts += [f'<img src="{e(f)}" alt="{e(s.name)}">' for f in s.figures]
    if s.table is not None:
        rows = [[e(c) for c in row] for row in s.table.formatted_rows()]
        parts += [f"<h3>{e(m(MEASURED))}</h3>", _html_table(s.table.headers, rows)]
    if s.timings:
        rows = [[f"<code>{e(m(k) if k == RUN_SECONDS else k)}</code>", *(format_number(x) for x in t)]
                for k, *t in s.timings]  # fmt: skip
        parts += [f"<h3>{e(m(TIMINGS))}</h3>", _html_table([m(h) for h in TIMING_HEADERS], rows)]
    conclusion = "".join(
        f"<p>{_untranslated_html(describe(c, m, s.texts))}</p>" for c in _by_verdict(s.claims)
    )
    parts.append(f'<h3>{e(m("Conclusion"))}</h3><div class="conclusion">{conclusion}</div>')
    if s.see_also:
        links = ", ".join(f'<a href="#{e(n)}"><code>{e(n)}</code></a>' for n in s.see_also)
        parts.append(f'<p class="meta">{e(m("See also:"))} {links}</p>')
    parts.append("</section>")
    return parts


MEASURED = N_("Measured (mean over seeds)")
TIMINGS = N_("Timings (wall clock on this machine; they vary between runs)")
SECTION_WORDS = (N_("Setup"), N_("Claims"), N_("Conclusion"), N_("See also:"), N_("all experiments"), N_(" or "),
                 N_("Timings"))  # fmt: skip


def _by_verdict(claims: list[dict]) -> list[dict]:
    return sorted(claims, key=lambda c: VERDICTS.index(c["verdict"]))


# ---------------------------------------------------------------- Markdown


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(_md_cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _quote(text: str) -> str:
    return "\n".join("> " + line + "  " if line else ">" for line in text.strip().split("\n"))


def render_markdown(sections: list[Section], header: dict, lang: str = "en") -> str:
    m = Messages(lang)
    lines = [f"# {m(REPORT_TITLE)}", "", f"{m(MODE_LINE, mode=header['mode'])} · {header['seeds']} · `{header['versions']}`",
             "", m(INTRO_MD), "", f"## {m(ACROSS)}", ""]  # fmt: skip
    rows = [
        [f"[{s.title}](#{s.name})", s.course] + [str(summarize(s.claims)[v]) for v in VERDICTS]
        for s in sections
    ]
    total = summarize([c for s in sections for c in s.claims])
    rows.append([f"**{m('all experiments')}**", ""] + [f"**{total[v]}**" for v in VERDICTS])
    headers = [m(h) for h in SUMMARY_HEADERS] + [m(VERDICT_LABEL[v]) for v in VERDICTS]
    lines += [_md_table(headers, rows), ""]
    for s in sections:
        lines += _section_markdown(s, m)
    return "\n".join(lines)


def _section_markdown(s: Section, m: Messages) -> list[str]:
    seeds = ", ".join(map(str, s.settings.get("seeds", [])))
    meta = m(
        EXPERIMENT_LINE, name=f"`{s.name}`", course=s.course, mode=m(s.settings.get("mode", "")), seeds=seeds
    )
    lines = [f'<a id="{s.name}"></a>', f"## {s.title}", "", meta, "", _quote(s.question_zh), ""]
    if m.lang != "zh":
        lines += [_quote(s.question_en), ""]
    lines += [f"### {m('Setup')}", "", s.setup, "", f"### {m('Claims')}", ""]
    rows = []
    for c in s.claims:
        note = _field(s, c, "note")
        course = course_verdict(c)
        rows.append([c["question"], _field(s, c, "statement") + (f" ({note})" if note else ""),
                     _field(s, c, "course_says") or "—", _field(s, c, "metric"), format_measured(c, m),
                     f"{c['rule']} {format_number(c['threshold'])}", m(VERDICT_LABEL[c["verdict"]]),
                     m(COURSE_LABEL[course]) if course else "—"])  # fmt: skip
    lines += [_md_table([m(h) for h in CLAIM_HEADERS], rows), ""]
    if s.figure_note:
        lines += [f"*{s.figure_note}*", ""]
    lines += [f"![{s.name}]({f})" for f in s.figures] + [""]
    if s.table is not None:
        lines += [f"### {m(MEASURED)}", "", _md_table(s.table.headers, s.table.formatted_rows()), ""]
    if s.timings:
        rows = [
            [f"`{m(k) if k == RUN_SECONDS else k}`", *(format_number(x) for x in t)] for k, *t in s.timings
        ]
        lines += [f"### {m('Timings')}", "", _md_table([m(h) for h in TIMING_HEADERS], rows), ""]
    lines += (
        [f"### {m('Conclusion')}", ""]
        + [f"- {describe(c, m, s.texts)}" for c in _by_verdict(s.claims)]
        + [""]
    )
    if s.see_also:
        lines += [m("See also:") + " " + ", ".join(f"[`{n}`](#{n})" for n in s.see_also), ""]
    return lines
