"""Jupyter notebooks generated from the experiments' own declarations (never hand-kept copies):
``neuronlab lab notebook NAME|--all --out DIR``.

Each experiment's notebook holds its question (the seed's words, quoted), its setup, its claims
with their metrics and rules, then code cells that run it in quick mode in the kernel (a
progress bar shows the seed running), show the claims table, the figures and the measured
table, re-decide one claim, and print the conclusions. A student changes ``SIZES`` or ``QUICK``
and re-runs. ``tour.ipynb`` is a short tour of the library: tensors and autograd, the course's
9-parameter network with ``explain_backward``, training with the ``Trainer``, a loss landscape.
"""

from __future__ import annotations

import json
from pathlib import Path

from neuronlab.lab import registry
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.i18n import ExperimentText, Messages, check_language


def _nbformat():
    try:
        import nbformat
    except ImportError as error:
        raise ImportError("nbformat is needed to write notebooks", name="nbformat") from error
    return nbformat


def _quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.strip().split("\n"))


def experiment_notebook(name: str, lang: str | None = "en", quick: bool = True):
    """The notebook of one experiment (an ``nbformat`` NotebookNode)."""
    nbf = _nbformat()
    lang = check_language(lang)
    m = Messages(lang)
    module = registry.load(name)
    texts = ExperimentText(module, lang)
    cells = []
    md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
    head = [f"# {texts.title()}", "", m("Experiment `{name}` · course {course}", name=name, course=module.COURSE),
            "", _quote(module.QUESTION_ZH)]  # fmt: skip
    if lang != "zh":
        head += ["", _quote(module.QUESTION_EN)]
    head += [
        "",
        m(
            "This notebook is generated from the experiment's declaration; `neuronlab lab notebook` writes it again."
        ),
    ]
    cells.append(md("\n".join(head)))
    cells.append(md("\n\n".join([f"## {m('Setup')}", texts.setup(LabConfig(quick=False)),
                                 m("Quick mode (what this notebook runs first) uses the reduced sizes:"),
                                 texts.setup(LabConfig(quick=True))])))  # fmt: skip
    lines = [f"## {m('Claims')}", "", m("Each claim is decided by its metric over the seeds: the rule's threshold "
             "against the 95% interval (supports, contradicts, or inconclusive when the interval contains it)."), ""]  # fmt: skip
    for claim in module.CLAIMS:
        record = {"id": claim.id, "statement": claim.statement, "metric": claim.metric, "note": claim.note,
                  "course_says": claim.course_says}  # fmt: skip
        lines.append(f"* **`{claim.id}`** ({claim.question}): {texts.claim_field(record, 'statement')}  ")
        lines.append(f"  {m('metric')}: {texts.claim_field(record, 'metric')}; {m('rule')}: "
                     f"`{claim.rule} {claim.threshold:g}`")  # fmt: skip
        if claim.course_says:
            lines.append(f"  {m('course says')}: {texts.claim_field(record, 'course_says')}")
        if claim.note:
            lines.append(f"  *{texts.claim_field(record, 'note')}*")
    cells.append(md("\n".join(lines)))
    cells.append(code(
        "%matplotlib inline\n"
        "from neuronlab.lab import load\n"
        "from neuronlab.lab.results_view import run_experiment\n\n"
        f"experiment = load({name!r})\n"
        "experiment.SIZES  # each size as (full, quick)"
    ))  # fmt: skip
    cells.append(md(m("## Run it\n\nChange `SIZES` (e.g. fewer epochs) or set `QUICK = False` for the report's "
                      "full sizes and seeds, then run the cells below again.")))  # fmt: skip
    cells.append(code(
        f"QUICK = {quick}\n"
        "SIZES = {}  # e.g. {\"epochs\": 4}: replaces sizes for this run\n"
        f"result = run_experiment({name!r}, quick=QUICK, sizes=SIZES or None, lang={lang!r})\n"
        "result"
    ))  # fmt: skip
    cells.append(md(f"## {m('Figures')}"))
    cells.append(code("result.show_figures()"))
    if hasattr(module, "table"):
        cells.append(md(f"## {m('Measured (mean over seeds)')}"))
        cells.append(code("result.table()"))
    first = module.CLAIMS[0]
    cells.append(md(m("## One claim\n\nA claim and its sentence; `redecide` decides it again from the same runs "
                      "with another threshold, to see how much the verdict depends on it.")))  # fmt: skip
    cells.append(code(f"result.claim({first.id!r})"))
    other = first.threshold + (1.0 if first.rule == ">" else -1.0) * max(abs(first.threshold), 1.0)
    cells.append(code(f"result.redecide({first.id!r}, threshold={other!r})"))
    cells.append(md(f"## {m('Conclusion')}"))
    cells.append(code("for claim in result.claims:\n    print(claim.sentence())"))
    return _notebook(nbf, cells, lang)


def _notebook(nbf, cells, lang: str):
    nb = nbf.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["neuronlab"] = {"lang": lang}
    return nb


TOUR = [
    ("md", "# A tour of neuronlab\n\nTensors and autograd as in PyTorch, the course's 9-parameter network "
           "explained node by node, a model trained with the `Trainer`, and a loss landscape."),
    ("md", "## Tensors and autograd"),
    ("code", "%matplotlib inline\n"
             "import neuronlab as torch\n\n"
             "x = torch.tensor([[1.0, 0.0], [-1.0, 1.0]], requires_grad=True)\n"
             "z = x.pow(2).sum()\n"
             "z.backward()\n"
             "x.grad"),
    ("md", "## The 9-parameter network, explained\n\n`explain_backward` walks the graph: for every node its "
           "forward value, its local derivative, the gradient arriving from above and the chain-rule product."),
    ("code", "import neuronlab.nn.functional as F\n"
             "from neuronlab.analysis import explain_backward\n\n"
             "x1, x2, Y = torch.tensor(1.0), torch.tensor(2.0), torch.tensor(2.0)\n"
             "w11, w12, w21, w22 = (torch.tensor(v, requires_grad=True) for v in (1.0, 1.0, 1.0, -1.0))\n"
             "w1, w2 = torch.tensor(1.0, requires_grad=True), torch.tensor(-1.0, requires_grad=True)\n"
             "b11, b12, b21 = (torch.tensor(1.0, requires_grad=True) for _ in range(3))\n"
             "z1 = w11 * x1 + w12 * x2 + b11\n"
             "a1 = F.relu(z1)\n"
             "z2 = w21 * x1 + w22 * x2 + b12\n"
             "a2 = F.relu(z2)\n"
             "y = w1 * a1 + w2 * a2 + b21\n"
             "loss = (y - Y).pow(2) / 2\n"
             "explanation = explain_backward(loss, params=dict(locals()))\n"
             "explanation"),
    ("md", "## Training with the Trainer\n\nA 64-32-10 network on the 8×8 digits; the progress bar shows each "
           "epoch, `history` displays as a table and `history.plot()` draws the curves."),
    ("code", "from neuronlab import nn, optim\n"
             "from neuronlab.analysis import summary\n"
             "from neuronlab.datasets import load_digits, train_val_test_split\n"
             "from neuronlab.train import Trainer\n\n"
             "X, y = load_digits()\n"
             "X_tr, X_val, X_te, y_tr, y_val, y_te = train_val_test_split(X, y, val_size=0.1, test_size=0.2, "
             "random_state=0)\n"
             "torch.manual_seed(0)\n"
             "model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))\n"
             "summary(model, (64,))"),
    ("code", "trainer = Trainer(model, optim.Adam(model.parameters(), lr=3e-3), nn.CrossEntropyLoss(), "
             "metrics=[\"accuracy\"])\n"
             "history = trainer.fit((X_tr, y_tr), val=(X_val, y_val), epochs=5, batch_size=64)\n"
             "history"),
    ("code", "history.plot()"),
    ("code", "trainer.evaluate((X_te, y_te))"),
    ("md", "## Memory and a loss landscape\n\nWhat one training step holds, and the surface of the course's "
           "1-1-1 network (A2.2) with a convexity probe."),
    ("code", "from neuronlab.analysis import convexity_report, estimate_memory, landscape_2d\n\n"
             "estimate_memory(model, (64,), optimizer=\"adam\", batch_size=64)"),
    ("code", "net = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid(), nn.Linear(1, 1))\n"
             "data = (torch.tensor([[0.5], [1.0], [1.5], [2.0]]), torch.tensor([[0.0], [1.0], [1.0], [0.0]]))\n"
             "surface = landscape_2d(net, params=[\"0.weight\", \"0.bias\"], ranges=[(-10, 10), (-10, 10)], "
             "resolution=31, data=data, loss=\"mse\")\n"
             "convexity_report(surface)"),
    ("md", "## The lab\n\nEvery experiment has its own notebook: `neuronlab lab notebook --all --out notebooks`."),
    ("code", "from neuronlab.lab.results_view import run_experiment\n\n"
             "run_experiment(\"backprop\", quick=True)"),
]  # fmt: skip


def tour_notebook():
    """The short tour of the library (not translated: its text is mostly code)."""
    nbf = _nbformat()
    cells = [nbf.v4.new_markdown_cell(t) if kind == "md" else nbf.v4.new_code_cell(t) for kind, t in TOUR]
    return _notebook(nbf, cells, "en")


def write_notebooks(names: list[str], out, tour: bool = False, lang: str | None = "en") -> list[Path]:
    """Write ``out/<name>.ipynb`` for each experiment (and ``out/tour.ipynb``); returns the paths."""
    nbf = _nbformat()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    books = ([("tour", tour_notebook())] if tour else []) + [(n, experiment_notebook(n, lang)) for n in names]
    for name, nb in books:
        nbf.validate(nb)
        path = out / f"{name}.ipynb"
        path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
