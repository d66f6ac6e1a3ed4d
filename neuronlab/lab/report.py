"""Building the lab report from saved results: ``DIR/index.html`` (one page, opens in any
browser, nothing fetched from the network), ``DIR/README.md`` and one PNG per figure.

Everything on the page comes from ``DIR/<name>/results.json``: the claims were decided when the
experiment ran; the figures are drawn from each seed's saved results; every sentence about a
claim is rendered from its verdict (``claims.describe``). ``neuronlab lab report DIR`` rebuilds
the report without re-running anything.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from neuronlab.lab import registry
from neuronlab.lab.claims import VERDICTS, course_verdict, describe, format_measured, format_number, summarize
from neuronlab.lab.experiment import LabConfig, Table
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
""".replace("FONTS", ", ".join(f'"{f}"' for f in CJK_FONTS))

# Shown only when the browser has none of the CJK fonts (the Chinese questions would be boxes).
CJK_CHECK = (
    "<script>(function(){var f=" + repr(list(CJK_FONTS)).replace("'", '"') + ";"
    "if(!document.fonts||!document.fonts.check)return;"
    "var ok=f.some(function(n){return document.fonts.check('16px \"'+n+'\"','\\u4e2d');});"
    "if(!ok)document.getElementById('cjk-note').style.display='block';})();</script>"
)

VERDICT_LABEL = {"supports": "supports", "contradicts": "contradicts", "inconclusive": "inconclusive"}


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


def build_section(out: Path, name: str) -> Section:
    """Draw the figures and gather the claims of one experiment."""
    module = registry.load(name)
    payload = read_results(out / name / "results.json")
    settings = payload["settings"]
    runs = [r["results"] for r in payload["runs"]]
    config = LabConfig(quick=settings.get("quick", False), seed=settings.get("seed", 0), out=out)
    figure_files = []
    for fig_name, fig in module.figures(runs).items():
        save_figure(fig, out / name / f"{fig_name}.png")
        figure_files.append(f"{name}/{fig_name}.png")
    table = module.table(runs) if hasattr(module, "table") else None
    return Section(
        name=name, title=module.TITLE, course=module.COURSE, question_zh=module.QUESTION_ZH,
        question_en=module.QUESTION_EN, setup=module.setup(config), claims=payload["claims"],
        figures=figure_files, table=table, timings=timing_rows(payload["timings"]), settings=settings,
        see_also=tuple(getattr(module, "SEE_ALSO", ())),
    )  # fmt: skip


def timing_rows(timings: dict) -> list[tuple[str, float, float, float]]:
    """(what, median, min, max) over seeds for every number measured under ``"timings"``."""
    series: dict[str, list[float]] = {"run (s)": list(timings["run_seconds"])}
    for per_seed in timings["per_seed"]:
        for key, value in _flatten(per_seed or {}):
            series.setdefault(key, []).append(value)
    return [(k, float(np.median(v)), float(min(v)), float(max(v))) for k, v in series.items() if v]


def _flatten(tree, prefix: str = ""):
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _flatten(value, f"{prefix}/{key}" if prefix else str(key))
    elif isinstance(tree, int | float) and not isinstance(tree, bool):
        yield prefix, float(tree)


def build_report(out: Path, names: list[str] | None = None, log=None) -> list[Section]:
    """Write ``index.html`` and ``README.md`` for every experiment with saved results;
    ``log`` (e.g. ``print``) is told which experiment's figures are being drawn."""
    out = Path(out)
    if names is None:
        names = [n for n in registry.NAMES if (out / n / "results.json").exists()]
    if not names:
        raise FileNotFoundError(f"no results in {out}: run 'neuronlab lab run --all --out {out}' first")
    sections = []
    for i, name in enumerate(names, 1):
        if log is not None:
            log(f"  report {i}/{len(names)}: drawing the figures of {name}")
        sections.append(build_section(out, name))
    header = _header(out, names)
    (out / "index.html").write_text(render_html(sections, header), encoding="utf-8")
    (out / "README.md").write_text(render_markdown(sections, header), encoding="utf-8")
    return sections


def _header(out: Path, names: list[str]) -> dict:
    payloads = [read_results(out / n / "results.json") for n in names]
    modes = sorted({p["settings"].get("mode", "?") for p in payloads})
    bases = sorted({p["settings"].get("seed", 0) for p in payloads})
    counts = sorted({len(p["settings"].get("seeds", [])) for p in payloads})
    versions = payloads[0]["versions"]
    return {
        "mode": ", ".join(modes),
        "seeds": f"base seed {', '.join(map(str, bases))}; {' or '.join(map(str, counts))} seeds per experiment",
        "versions": ", ".join(f"{k} {v}" for k, v in versions.items()),
    }


# ---------------------------------------------------------------- HTML


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())


def _html_table(headers: list[str], rows: list[list[str]], classes: list[str] | None = None) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        f'<tr class="{classes[i] if classes else ""}">' + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
        for i, row in enumerate(rows)
    )
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


CLAIM_HEADERS = ["question", "claim", "course says", "metric", "measured mean [95% interval]", "rule", "verdict",
                 "course's answer"]  # fmt: skip


def _claim_rows_html(claims: list[dict]) -> list[list[str]]:
    e = html.escape
    rows = []
    for c in claims:
        statement = e(c["statement"]) + (f'<div class="note">{e(c["note"])}</div>' if c.get("note") else "")
        rows.append([
            e(c["question"]), statement, e(c["course_says"] or "—"), e(c["metric"]),
            f'<span class="num">{e(format_measured(c))}</span>',
            e(f"{c['rule']} {format_number(c['threshold'])}"), f"<b>{e(VERDICT_LABEL[c['verdict']])}</b>",
            e(course_verdict(c) or "—"),
        ])  # fmt: skip
    return rows


def _summary_html(sections: list[Section]) -> str:
    rows, classes = [], []
    for s in sections:
        n = summarize(s.claims)
        rows.append([f'<a href="#{html.escape(s.name)}">{html.escape(s.title)}</a>', html.escape(s.course)]
                    + [str(n[v]) for v in VERDICTS])  # fmt: skip
        classes.append("")
    total = summarize([c for s in sections for c in s.claims])
    rows.append(["<b>all experiments</b>", ""] + [f"<b>{total[v]}</b>" for v in VERDICTS])
    classes.append("")
    return _html_table(["experiment", "course", *VERDICTS], rows, classes)


def render_html(sections: list[Section], header: dict) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>neuronlab lab report</title><style>{CSS}</style></head><body>",
        "<h1>neuronlab lab report</h1>",
        f'<p class="meta">mode: {e(header["mode"])} · {e(header["seeds"])} · {e(header["versions"])}</p>',
        '<p id="cjk-note">No Chinese (CJK) font was found in this browser: the course\'s questions, quoted in '
        "Chinese, may show as boxes. Install a CJK font such as Noto Sans CJK to read them.</p>",
        "<p>Each section answers questions of the course by measurement. Every conclusion is a claim, measured on "
        "several seeds: the table shows the mean and a 95% interval (Student's t over seeds) and the verdict — "
        "<i>supports</i> or <i>contradicts</i> the claim when the interval is on one side of the rule's threshold, "
        "<i>inconclusive</i> when it contains it. Where the course's worked answer says something, the last "
        "column says whether it holds.</p>",
        "<h2>Verdicts across the lab</h2>",
        _summary_html(sections),
    ]
    for s in sections:
        parts += _section_html(s)
    parts += [CJK_CHECK, "</body></html>"]
    return "\n".join(parts)


def _section_html(s: Section) -> list[str]:
    e = html.escape
    seeds = ", ".join(map(str, s.settings.get("seeds", [])))
    parts = [
        f'<section id="{e(s.name)}"><h2>{e(s.title)}</h2>',
        f'<p class="meta">experiment <code>{e(s.name)}</code> · course {e(s.course)} · '
        f"{e(s.settings.get('mode', ''))} mode · seeds {e(seeds)}</p>",
        f'<blockquote class="zh" lang="zh">{e(s.question_zh.strip())}</blockquote>',
        f"<blockquote>{e(s.question_en.strip())}</blockquote>",
        f"<h3>Setup</h3>{_paragraphs(s.setup)}",
        "<h3>Claims</h3>",
        _html_table(CLAIM_HEADERS, _claim_rows_html(s.claims), [c["verdict"] for c in s.claims]),
    ]
    parts += [f'<img src="{e(f)}" alt="{e(s.name)} figure">' for f in s.figures]
    if s.table is not None:
        rows = [[e(c) for c in row] for row in s.table.formatted_rows()]
        parts += ["<h3>Measured (mean over seeds)</h3>", _html_table(s.table.headers, rows)]
    if s.timings:
        rows = [[e(k), *(format_number(x) for x in t)] for k, *t in s.timings]
        parts += ["<h3>Timings (wall clock on this machine; they vary between runs)</h3>",
                  _html_table(["measurement", "median", "min", "max"], rows)]  # fmt: skip
    conclusion = "".join(f"<p>{e(describe(c))}</p>" for c in _by_verdict(s.claims))
    parts.append(f'<h3>Conclusion</h3><div class="conclusion">{conclusion}</div>')
    if s.see_also:
        links = ", ".join(f'<a href="#{e(n)}">{e(n)}</a>' for n in s.see_also)
        parts.append(f'<p class="meta">See also: {links}</p>')
    parts.append("</section>")
    return parts


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


def render_markdown(sections: list[Section], header: dict) -> str:
    lines = ["# neuronlab lab report", "", f"Mode: {header['mode']} · {header['seeds']} · {header['versions']}", "",
             "Every conclusion is a claim measured on several seeds: mean, 95% interval (Student's t over seeds) "
             "and verdict (supports / contradicts / inconclusive).", "", "## Verdicts across the lab", ""]  # fmt: skip
    rows = [
        [f"[{s.title}](#{s.name})", s.course] + [str(summarize(s.claims)[v]) for v in VERDICTS]
        for s in sections
    ]
    total = summarize([c for s in sections for c in s.claims])
    rows.append(["**all experiments**", ""] + [f"**{total[v]}**" for v in VERDICTS])
    lines += [_md_table(["experiment", "course", *VERDICTS], rows), ""]
    for s in sections:
        lines += _section_markdown(s)
    return "\n".join(lines)


def _section_markdown(s: Section) -> list[str]:
    seeds = ", ".join(map(str, s.settings.get("seeds", [])))
    lines = [
        f'<a id="{s.name}"></a>', f"## {s.title}", "",
        f"Experiment `{s.name}` · course {s.course} · {s.settings.get('mode', '')} mode · seeds {seeds}", "",
        _quote(s.question_zh), "", _quote(s.question_en), "", "### Setup", "", s.setup, "", "### Claims", "",
    ]  # fmt: skip
    rows = [[c["question"], c["statement"] + (f" ({c['note']})" if c.get("note") else ""), c["course_says"] or "—",
             c["metric"], format_measured(c), f"{c['rule']} {format_number(c['threshold'])}", c["verdict"],
             course_verdict(c) or "—"] for c in s.claims]  # fmt: skip
    lines += [_md_table(CLAIM_HEADERS, rows), ""]
    lines += [f"![{s.name}]({f})" for f in s.figures] + [""]
    if s.table is not None:
        lines += [
            "### Measured (mean over seeds)",
            "",
            _md_table(s.table.headers, s.table.formatted_rows()),
            "",
        ]
    if s.timings:
        rows = [[k, *(format_number(x) for x in t)] for k, *t in s.timings]
        lines += ["### Timings", "", _md_table(["measurement", "median", "min", "max"], rows), ""]
    lines += ["### Conclusion", ""] + [f"- {describe(c)}" for c in _by_verdict(s.claims)] + [""]
    if s.see_also:
        lines += ["See also: " + ", ".join(f"[{n}](#{n})" for n in s.see_also), ""]
    return lines
