"""The lab in more than one language: message catalogs, one per language.

Two kinds of catalog, both plain JSON so that a translator edits text, not code:

* **the framework's strings** (report headings, verdict words, table headers, the sentences
  ``claims.describe`` renders, the report's notes): ``neuronlab/lab/i18n/<lang>.json`` maps each
  English message (the msgid, as gettext does) to its translation. Format fields
  (``{n}``, ``{name}``) are filled after translation. English needs no catalog: the msgid is
  the English text.
* **each experiment's own texts** (``TITLE``, the ``setup`` text, every claim's statement,
  metric, note and course quote, the words in its tables and figures):
  ``neuronlab/lab/experiments/<package>/<lang>.json``, keyed by field and claim id. Every entry
  stores the English source it translates (``"en"``) beside the translation, so a translation
  whose English has changed since is *stale*: it is not used (the English is shown, with the
  visible marker ``UNTRANSLATED``), and ``tests/lab/test_i18n.py`` fails naming it.

    {
      "title": {"en": "Convolution: ...", "zh": "卷积：..."},
      "setup": {"en": {"full": "... 30 epochs ...", "quick": "... 8 epochs ..."},
                "zh": "... {epochs} 轮 ..."},              # a template filled from config.sizes(SIZES)
                                                         # (and "fields": per-mode phrases, see setup_fields)
      "claims": {"seed-layer-260": {"statement": {"en": "...", "zh": "..."},
                                    "metric": {"en": "...", "zh": "..."}}},
      "table": {"model": "模型"},                          # words in table(runs); templates too
      "figures": {"test accuracy": "测试准确率", "lr {lr}": "学习率 {lr}"}   # figure texts; {x} matches anything
    }

``python -m neuronlab.lab.i18n check`` lists what is missing or stale for every experiment;
``python -m neuronlab.lab.i18n extract NAME`` writes the skeleton of a catalog (new entries
with an empty translation, stale ones with the new English beside the old).
"""

from __future__ import annotations

import json
import locale
import os
import re
from functools import cache, lru_cache
from pathlib import Path

LANGUAGES = ("en", "zh")
DEFAULT = "en"
# Shown before an English text that has no current translation (missing or stale).
UNTRANSLATED = "[EN]"
CATALOG_DIR = Path(__file__).resolve().parent


def default_language() -> str:
    """The language of the user's locale ($LANGUAGE, $LC_ALL, $LC_MESSAGES, $LANG, then the C
    library's), if the lab speaks it; else English."""
    candidates = [os.environ.get(k, "") for k in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")]
    try:
        candidates.append(locale.getlocale(locale.LC_MESSAGES)[0] or "")
    except (AttributeError, ValueError):  # pragma: no cover - platforms without LC_MESSAGES
        pass
    for value in candidates:
        for part in value.split(":"):
            code = part.split("_")[0].split(".")[0].split("-")[0].lower()
            if code in LANGUAGES:
                return code
            if code and code not in ("c", "posix"):
                return DEFAULT
    return DEFAULT


def check_language(lang: str | None) -> str:
    """``lang`` if the lab speaks it (None: the locale's); ``ValueError`` otherwise."""
    if lang is None:
        return default_language()
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; the lab speaks {', '.join(LANGUAGES)}")
    return lang


@cache
def _framework_catalog(lang: str) -> dict[str, str]:
    if lang == "en":
        return {}
    path = CATALOG_DIR / f"{lang}.json"
    return json.loads(path.read_text(encoding="utf-8"))


class Messages:
    """The framework's strings in one language: ``messages("Setup")``,
    ``messages("{n} seeds", n=5)``. A msgid without a translation is shown in English after
    ``UNTRANSLATED`` (the catalog test lists every msgid the code uses, so none is)."""

    def __init__(self, lang: str = DEFAULT) -> None:
        self.lang = check_language(lang)
        self.catalog = _framework_catalog(self.lang)

    def __call__(self, msgid: str, **fields) -> str:
        if self.lang == "en":
            text = msgid
        elif msgid in self.catalog:
            text = self.catalog[msgid]
        else:
            text = f"{UNTRANSLATED} {msgid}"
        return text.format(**fields) if fields else text


def N_(msgid: str) -> str:  # noqa: N802 - gettext's name
    """Mark a msgid for the catalogs without translating it yet (gettext's ``N_``)."""
    return msgid


FRAMEWORK_SOURCES = ("claims.py", "report.py", "notebooks.py", "results_view.py")


def framework_msgids() -> set[str]:
    """Every msgid the framework uses: the string literals passed to ``N_(...)`` or to a
    ``Messages`` object called ``m`` or ``messages``, in the lab's modules (what a catalog must hold)."""
    import ast

    found = set()
    for name in FRAMEWORK_SOURCES:
        path = CATALOG_DIR.parent / name
        if not path.exists():
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("N_", "m", "messages") and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):  # fmt: skip
                found.add(node.args[0].value)
    return found


# ---------------------------------------------------------------- experiments' texts


def catalog_path(module, lang: str) -> Path:
    """Where an experiment module's catalog for ``lang`` lives (beside its ``__init__.py``)."""
    return Path(module.__file__).resolve().parent / f"{lang}.json"


def load_experiment_catalog(module, lang: str) -> dict:
    """An experiment's catalog (empty when it has none)."""
    path = catalog_path(module, lang)
    if lang == "en" or not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


CLAIM_FIELDS = ("statement", "metric", "note", "course_says")


def needs_translation(text: str | None) -> bool:
    """Whether a text has words to translate (not only Chinese, numbers, symbols and short
    names): course quotes written in Chinese are kept as they are."""
    if not text:
        return False
    return len(re.findall(r"[A-Za-z]{3,}", text)) >= 2 and not re.search(r"[\u4e00-\u9fff]", text)


def setup_fields(entry: dict, module, config) -> dict:
    """What fills a setup template: the sizes of the mode, and the catalog's own per-mode
    phrases (``"fields": {"images": {"full": "全部 1077 张", "quick": "前 300 张"}}``) for what a
    number alone cannot say."""
    mode = "quick" if config.quick else "full"
    phrases = {name: per_mode[mode] for name, per_mode in (entry.get("fields") or {}).items()}
    return {**config.sizes(module.SIZES), **phrases}


def setup_sources(module) -> dict[str, str]:
    """The English setup text in both modes (what a setup translation is checked against)."""
    from neuronlab.lab.experiment import LabConfig

    return {"full": module.setup(LabConfig(quick=False)), "quick": module.setup(LabConfig(quick=True))}


class ExperimentText:
    """One experiment's texts in one language, each falling back to English (after
    ``UNTRANSLATED``) where the catalog has no current translation."""

    def __init__(self, module, lang: str = DEFAULT) -> None:
        self.module = module
        self.lang = check_language(lang)
        self.catalog = load_experiment_catalog(module, self.lang)

    def _entry(self, entry: dict | None, english: str) -> str:
        if self.lang == "en":
            return english
        if entry and entry.get("en") == english and entry.get("zh" if self.lang == "zh" else self.lang):
            return entry[self.lang]
        return f"{UNTRANSLATED} {english}"

    def title(self) -> str:
        return self._entry(self.catalog.get("title"), self.module.TITLE)

    def question(self) -> str:
        """The question in the report's language: the seed's own words in Chinese, else QUESTION_EN."""
        return self.module.QUESTION_ZH if self.lang == "zh" else self.module.QUESTION_EN

    def setup(self, config) -> str:
        english = self.module.setup(config)
        if self.lang == "en":
            return english
        entry = self.catalog.get("setup") or {}
        mode = "quick" if config.quick else "full"
        source = entry.get("en") or {}
        translation = entry.get(self.lang)
        if not translation or source.get(mode) != english:
            return f"{UNTRANSLATED} {english}"
        if isinstance(translation, dict):  # one translation per mode
            return translation[mode]
        return translation.format(**setup_fields(entry, self.module, config))

    def claim_field(self, record: dict, field: str) -> str | None:
        """A claim's ``statement``, ``metric``, ``note`` or ``course_says`` (from its saved record)."""
        english = record.get(field)
        if english is None or self.lang == "en":
            return english
        if field == "course_says" and not needs_translation(english):
            return english
        entry = (self.catalog.get("claims") or {}).get(record["id"], {}).get(field)
        return self._entry(entry, english)

    def cell(self, text: str) -> str:
        """A word or phrase of the experiment's tables (unchanged when the catalog has none:
        names, numbers); like figure texts, entries may be templates (``"{a} / {b} (noise floor {c})"``)."""
        if self.lang == "en":
            return text
        if not hasattr(self, "_cells"):
            self._cells = FigureTranslator(self.catalog.get("table") or {})
        translated = self._cells(text)
        return text if translated is None else translated

    def figure_translator(self):
        """A function translating one figure text (None in English)."""
        if self.lang == "en":
            return None
        return FigureTranslator(self.catalog.get("figures") or {})


class FigureTranslator:
    """Translates the texts of figures and tables, built from data as they often are:

    * exact entries: ``"test accuracy": "测试准确率"``;
    * templates, whose ``{field}`` parts match anything and are themselves translated when the
      catalog has them: ``"lr = {lr}": "学习率 = {lr}"``, ``"remedy: {r}": "补救：{r}"``;
    * replacements, keys starting with ``~``, applied wherever they occur (longest first) when no
      entry matches the whole text: ``"~ (edge)": "（边界）"``, ``"~True": "是"``.
    """

    def __init__(self, mapping: dict[str, str]) -> None:
        self.exact = {k: v for k, v in mapping.items() if "{" not in k and not k.startswith("~")}
        self.replace = sorted(
            ((k[1:], v) for k, v in mapping.items() if k.startswith("~")), key=lambda kv: -len(kv[0])
        )
        self.templates = []
        for key, value in mapping.items():
            if "{" not in key or key.startswith("~"):
                continue
            pattern = re.escape(key)
            pattern = re.sub(r"\\\{(\w+)\\\}", lambda m: f"(?P<{m.group(1)}>.+?)", pattern)
            self.templates.append((re.compile(f"^{pattern}$", re.S), value, len(re.sub(r"\{\w+\}", "", key))))
        self.templates.sort(key=lambda t: -t[2])  # the most specific template first

    def __call__(self, text: str, depth: int = 0) -> str | None:
        """The translation of ``text``, or None when there is none."""
        if text in self.exact:
            return self.exact[text]
        for pattern, value, _ in self.templates:
            match = pattern.match(text)
            if match:
                parts = {
                    k: (self(v, depth + 1) if depth < 3 else None) or v for k, v in match.groupdict().items()
                }
                try:
                    return value.format(**parts)
                except (KeyError, IndexError, ValueError):
                    return value
        new = text
        for old, replacement in self.replace:
            new = new.replace(old, replacement)
        return new if new != text else None


# ---------------------------------------------------------------- figures


CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "SimHei", "AR PL UMing CN", "Droid Sans Fallback")  # fmt: skip


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The name of an installed font matplotlib can draw Chinese with, or None. Fonts installed
    after matplotlib built its font cache are found through fontconfig (``fc-list :lang=zh``)."""
    try:
        from matplotlib import font_manager
    except ImportError:
        return None

    def known() -> str | None:
        installed = {f.name for f in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FONTS if name in installed), None)

    found = known()
    if found is None:
        import shutil
        import subprocess

        if shutil.which("fc-list"):
            try:
                listing = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True,
                                         timeout=10).stdout  # fmt: skip
            except (OSError, subprocess.SubprocessError):
                listing = ""
            for line in listing.splitlines():
                path = line.split(":")[0].strip()
                if path:
                    try:
                        font_manager.fontManager.addfont(path)
                    except (OSError, RuntimeError, ValueError):
                        continue
            found = known()
    return found


def figure_texts(fig) -> list:
    """Every text artist of a figure (titles, axis labels, legends, annotations, tick labels)."""
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_text()]


def translate_figure(fig, translate, font: str | None) -> list[str]:
    """Translate a figure's texts in place with ``translate`` (text -> translation or None) and
    set ``font`` on the translated ones; returns the texts left untranslated."""
    left = []
    for artist in figure_texts(fig):
        text = artist.get_text()
        new = translate(text)
        if new is None:
            if re.search(r"[A-Za-z]{3,}", text):
                left.append(text)
            continue
        artist.set_text(new)
        if font is not None:
            artist.set_fontfamily([font, "DejaVu Sans"])
    return left


# ---------------------------------------------------------------- keeping catalogs current


def experiment_sources(module, runs: list[dict] | None = None) -> dict:
    """Everything of an experiment that a catalog translates, in English, as a catalog
    skeleton (``runs``, one seed's results each, add the words of its tables and figures)."""
    claims = {}
    for claim in module.CLAIMS:
        fields = {}
        for field in CLAIM_FIELDS:
            text = getattr(claim, field)
            if text and (field != "course_says" or needs_translation(text)):
                fields[field] = text
        claims[claim.id] = fields
    words = {"table": [], "figures": []}
    if runs:
        if hasattr(module, "table"):
            table = module.table(runs)
            cells = list(table.headers) + [c for row in table.rows for c in row if isinstance(c, str)]
            words["table"] = [c for c in dict.fromkeys(cells) if re.search(r"[A-Za-z]{3,}", c)]
        for fig in module.figures(runs).values():
            words["figures"] += [
                t.get_text() for t in figure_texts(fig) if re.search(r"[A-Za-z]{3,}", t.get_text())
            ]
        words["figures"] = list(dict.fromkeys(words["figures"]))
    return {"title": module.TITLE, "setup": setup_sources(module), "claims": claims, **words}


def problems(module, lang: str = "zh", runs: list[dict] | None = None) -> list[str]:
    """What an experiment's catalog lacks: missing and stale translations (the English changed
    since it was translated), setup templates that do not fill; with ``runs``, table and figure
    words without a translation."""
    catalog = load_experiment_catalog(module, lang)
    sources = experiment_sources(module, runs)
    found = []

    def check(where: str, entry, english) -> None:
        if not entry or not entry.get(lang):
            found.append(f"{where}: missing")
        elif entry.get("en") != english:
            found.append(f"{where}: stale (translated {entry.get('en')!r}, now {english!r})")

    check("title", catalog.get("title"), sources["title"])
    check("setup", catalog.get("setup"), sources["setup"])
    setup = (catalog.get("setup") or {}).get(lang)
    if isinstance(setup, str):
        from neuronlab.lab.experiment import LabConfig

        for quick in (False, True):
            try:
                setup.format(**setup_fields(catalog["setup"], module, LabConfig(quick=quick)))
            except (KeyError, IndexError, ValueError) as error:
                found.append(f"setup: the template does not fill ({error!r})")
    entries = catalog.get("claims") or {}
    for claim_id, fields in sources["claims"].items():
        for field, english in fields.items():
            check(f"claim {claim_id} {field}", (entries.get(claim_id) or {}).get(field), english)
    orphans = set(entries) - set(sources["claims"])
    found += [f"claim {c}: no such claim any more" for c in sorted(orphans)]
    cells = FigureTranslator(catalog.get("table") or {})
    found += [f"table word {w!r}: missing" for w in sources["table"] if cells(w) is None]
    translate = FigureTranslator(catalog.get("figures") or {})
    found += [f"figure text {w!r}: missing" for w in sources["figures"] if translate(w) is None]
    return found


def extract(module, lang: str = "zh", runs: list[dict] | None = None) -> dict:
    """The catalog with an entry for everything to translate: current translations kept, new
    texts with an empty translation, stale ones with ``"en_now"`` (the new English) beside."""
    catalog = load_experiment_catalog(module, lang)
    sources = experiment_sources(module, runs)

    def entry(old, english):
        old = dict(old or {})
        if not old.get(lang):
            return {"en": english, lang: ""}
        if old.get("en") != english:
            old["en_now"] = english
        return old

    claims = catalog.get("claims") or {}
    return {
        "title": entry(catalog.get("title"), sources["title"]),
        "setup": entry(catalog.get("setup"), sources["setup"]),
        "claims": {
            cid: {f: entry((claims.get(cid) or {}).get(f), text) for f, text in fields.items()}
            for cid, fields in sources["claims"].items()
        },
        "table": {**{w: "" for w in sources["table"]}, **(catalog.get("table") or {})},
        "figures": {**{w: "" for w in sources["figures"]}, **(catalog.get("figures") or {})},
    }
