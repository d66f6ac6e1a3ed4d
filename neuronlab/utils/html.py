"""Small HTML helpers for the rich displays of Jupyter (``_repr_html_``): self-contained
tables with inline styles, nothing fetched, readable in a notebook and in a saved .html."""

from __future__ import annotations

import html

TABLE_STYLE = "border-collapse: collapse; font-size: 0.9em; margin: 0.4em 0"
CELL_STYLE = "border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: {align}; vertical-align: top"


def escape(value) -> str:
    return html.escape(str(value))


def table(headers: list[str], rows: list[list], caption: str | None = None, numeric: set[int] | None = None,
          raw: bool = False, row_styles: list[str] | None = None) -> str:  # fmt: skip
    """An HTML table; ``numeric`` columns are right-aligned; ``raw`` cells are already HTML."""
    numeric = numeric or set()

    def cell(tag: str, value, j: int) -> str:
        style = CELL_STYLE.format(align="right" if j in numeric else "left")
        text = str(value) if raw else escape(value)
        return f'<{tag} style="{style}">{text}</{tag}>'

    head = "".join(cell("th", h, j) for j, h in enumerate(headers))
    body = "".join(
        f'<tr style="{row_styles[i] if row_styles else ""}">' + "".join(cell("td", v, j) for j, v in enumerate(r))
        + "</tr>"
        for i, r in enumerate(rows)
    )  # fmt: skip
    cap = (
        f'<caption style="text-align: left; font-weight: bold">{escape(caption)}</caption>' if caption else ""
    )
    return f'<table style="{TABLE_STYLE}">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def png_img(fig, dpi: int = 90) -> str:
    """A matplotlib figure as an inline ``<img>`` (base64 PNG)."""
    import base64
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}">'
