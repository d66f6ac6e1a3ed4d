"""Building the lab report from saved results: ``DIR/index.html`` (one page, opens in any
browser, nothing fetched from the network), ``DIR/README.md`` and one PNG per figure.

Everything on the page is derived from ``DIR/<name>/results.json``: the figures are drawn,
the tables filled and the conclusions computed from the saved numbers, so
``neuronlab lab report DIR`` rebuilds the report without re-running anything.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from neuronlab.lab import registry
from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.plots import save_figure
from neuronlab.lab.results_io import read_results

CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { border-bottom: 2px solid #444; } h2 { margin-top: 2.5em; border-bottom: 1px solid #bbb; }
blockquote { margin: 0.6em 0; padding: 0.4em 1em; background: #f6f6f6; border-left: 4px solid #999; }
.zh { font-size: 0.95em; } .meta { color: #666; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; } th { background: #eee; }
td:first-child, th:first-child { text-align: left; }
img { max-width: 100%; border: 1px solid #ddd; margin: 0.4em 0; }
.conclusion { background: #eef6ee; border-left: 4px solid #3a3; padding: 0.5em 1em; }
nav ol { columns: 2; }
"""


@dataclass
class Section:
    """One experiment's part of the report, everything derived from its results."""

    name: str
    title: str
    seeds: str
    question_zh: str
    question_en: str
    setup: str
    figures: list[str]
    table: Table
    conclusion: str
    seconds: float
    settings: dict


def build_section(out: Path, name: str) -> Section:
    """Draw the figures and compute the table and conclusion for one experiment."""
    module = registry.load(name)
    payload = read_results(out / name / "results.json")
    results = payload["results"]
    settings = payload["settings"]
    config = LabConfig(quick=settings.get("quick", False), seed=settings.get("seed", 0), out=out)
    figure_files = []
    for fig_name, fig in module.figures(results).items():
        file = out / name / f"{fig_name}.png"
        save_figure(fig, file)
        figure_files.append(f"{name}/{fig_name}.png")
    return Section(
        name=name, title=module.TITLE, seeds=module.SEEDS, question_zh=module.QUESTION_ZH,
        question_en=module.QUESTION_EN, setup=module.setup(config), figures=figure_files,
        table=module.table(results), conclusion=module.conclusion(results),
        seconds=payload["seconds"], settings=settings,
    )  # fmt: skip


def build_report(out: Path, names: list[str] | None = None) -> list[Section]:
    """Write ``index.html`` and ``README.md`` for every experiment with saved results."""
    out = Path(out)
    if names is None:
        names = [n for n in registry.NAMES if (out / n / "results.json").exists()]
    if not names:
        raise FileNotFoundError(f"no results in {out}: run 'neuronlab lab run --all --out {out}' first")
    sections = [build_section(out, n) for n in names]
    (out / "index.html").write_text(render_html(sections), encoding="utf-8")
    (out / "README.md").write_text(render_markdown(sections), encoding="utf-8")
    return sections


def _html_table(table: Table) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
        for row in table.formatted_rows()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())


def render_html(sections: list[Section]) -> str:
    e = html.escape
    nav = "".join(
        f'<li><a href="#{e(s.name)}">{e(s.title)}</a> <span class="meta">({e(s.name)})</span></li>'
        for s in sections
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>neuronlab lab report</title>',
        f"<style>{CSS}</style></head><body>",
        "<h1>neuronlab lab report</h1>",
        "<p>Each section answers one question of the course by measurement. Figures, tables and "
        "conclusions are computed from the run's saved results.</p>",
        f"<nav><ol>{nav}</ol></nav>",
    ]
    for s in sections:
        settings = ", ".join(f"{k}={v}" for k, v in s.settings.items() if k != "out")
        parts += [
            f'<section id="{e(s.name)}"><h2>{e(s.title)}</h2>',
            f'<p class="meta">experiment <code>{e(s.name)}</code> · course seed {e(s.seeds)} · '
            f"{s.seconds:.1f} s · {e(settings)}</p>",
            f'<blockquote class="zh" lang="zh">{_paragraphs(s.question_zh)}</blockquote>',
            f"<blockquote>{_paragraphs(s.question_en)}</blockquote>",
            f"<h3>Setup</h3>{_paragraphs(s.setup)}",
        ]
        parts += [f'<img src="{e(f)}" alt="{e(s.name)} figure">' for f in s.figures]
        parts += [
            f"<h3>Measured</h3>{_html_table(s.table)}",
            f'<h3>Conclusion</h3><div class="conclusion">{_paragraphs(s.conclusion)}</div></section>',
        ]
    parts.append("</body></html>")
    return "\n".join(parts)


def _md_table(table: Table) -> str:
    rows = table.formatted_rows()
    lines = ["| " + " | ".join(table.headers) + " |", "|" + "---|" * len(table.headers)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.strip().split("\n"))


def render_markdown(sections: list[Section]) -> str:
    lines = ["# neuronlab lab report", "",
             "Each section answers one question of the course by measurement. Figures, tables and "
             "conclusions are computed from the run's saved results.", ""]  # fmt: skip
    lines += [f"{i}. [{s.title}](#{s.name}) (`{s.name}`)" for i, s in enumerate(sections, 1)] + [""]
    for s in sections:
        lines += [
            f'<a id="{s.name}"></a>', f"## {s.title}", "",
            f"Experiment `{s.name}` · course seed {s.seeds} · {s.seconds:.1f} s", "",
            _quote(s.question_zh), "", _quote(s.question_en), "",
            "### Setup", "", s.setup, "",
        ]  # fmt: skip
        lines += [f"![{s.name}]({f})" for f in s.figures] + [""]
        lines += ["### Measured", "", _md_table(s.table), "", "### Conclusion", "", s.conclusion, ""]
    return "\n".join(lines)
