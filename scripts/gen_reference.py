"""Write the API reference pages (docs/reference/) from neuronsim's docstrings.

    python3 scripts/gen_reference.py            # rewrite docs/reference/*.md
    python3 scripts/gen_reference.py --check    # exit 1 if a page is out of date

Each page is plain Markdown, read as it is on GitHub and built into the docs
site by MkDocs.  A page holds a module's docstring, then each public object:
its signature and docstring, and for a class its public methods and
properties.  Docstring markup is turned into Markdown: ``code`` becomes
`code`, :func:`name` becomes `name`, an indented block becomes a text block,
and a doctest becomes a ``pycon`` block marked to run with its module's
globals (tests/test_docs.py runs it there, as --doctest-modules does).  The
command-line page is written from the argparse parser itself.

tests/test_docs.py runs ``--check``: after a docstring or an option changes,
run this script and commit the pages it writes.  Pages not listed here
(docs/reference/model-file.md, observing.md) are written by hand.
"""

import argparse
import importlib
import inspect
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
OUT = os.path.join(ROOT, "docs", "reference")

HEADER = ("<!-- Written by scripts/gen_reference.py from the docstrings: edit those, "
          "then run the script. -->\n\n")

# (file, title, [(module, objects), …]).  An object is "name" (a function, or a
# class with its documented methods and properties) or ("name", "all") for a base
# class whose every public method is part of the interface.
PAGES = [
    ("network.md", "The network", [("neuronsim.network", ["NeuralNetwork"])]),
    ("neuron-and-layer.md", "Neurons and layers",
     [("neuronsim.neuron", ["Neuron"]), ("neuronsim.layer", ["NeuronLayer"])]),
    ("training.md", "Training: fit, predict, evaluate",
     [("neuronsim.training", ["fit", "History", "TrainingDiverged", "TrainingWarning",
                              "predict", "evaluate", "class_of", "is_class_label",
                              "split_validation", "baseline_error"])]),
    ("optimizers.md", "Optimizers",
     [("neuronsim.optimizers", [("Optimizer", "all"), "SGD", "Adam", "get_optimizer"])]),
    ("scaling.md", "Scaling and class labels",
     [("neuronsim.scaling", ["Standardizer", "one_hot"])]),
    ("defaults.md", "Defaults chosen from the data",
     [("neuronsim.defaults", ["choose", "train", "record", "check_choices", "task_of",
                              "hidden_width"]),
      ("neuronsim.validation", ["ArgumentError"])]),
    ("progress.md", "Progress on a stream", [("neuronsim.progress", ["Progress", "summary"])]),
    ("activations.md", "Activations",
     [("neuronsim.activations", [("Activation", "all"), "Sigmoid", "Tanh", "ReLU",
                                 "LeakyReLU", "Linear", "Softmax", "get_activation"])]),
    ("costs.md", "Costs",
     [("neuronsim.costs", [("Cost", "all"), "SquaredError", "CrossEntropy", "get_cost"])]),
    ("saving.md", "Saving and loading",
     [("neuronsim.saving", ["save", "load", "load_document", "dumps", "loads", "to_dict",
                            "from_dict", "model_summary", "ModelFileError"])]),
    ("data.md", "Reading CSV data",
     [("neuronsim.data", ["load_csv", "load_inputs", "Dataset", "DataError", "read_table",
                          "Table", "sorted_labels", "output_names", "predictions_csv",
                          "write_predictions", "training_inputs"])]),
    ("files.md", "Writing files safely",
     [("neuronsim.files", ["write_file", "check_destination", "DestinationError"])]),
    ("export.md", "Export: Python, C, JavaScript",
     [("neuronsim.export", ["export", "target_module"]),
      ("neuronsim.export.python", ["export_source", "float_bits"]),
      ("neuronsim.export.c", ["export", "build", "CExport", "quantize_inputs",
                              "int16_predict"]),
      ("neuronsim.export.javascript", ["export"])]),
    ("interop.md", "Import from scikit-learn and PyTorch",
     [("neuronsim.interop", ["from_sklearn", "from_torch"])]),
    ("explain.md", "Explain one step",
     [("neuronsim.explain", ["explain", "chain_rule", "neuron_equations", "forward_equations",
                             "error_equations", "backward_equations", "update_equations",
                             "equation", "equation_text"])]),
    ("pictures.md", "Pictures (SVG)",
     [("neuronsim.pictures", ["network_svg", "training_curve_svg"])]),
    ("rng.md", "Seeded random numbers", [("neuronsim.rng", ["SplitMix64", "fresh_seed"])]),
]

HANDWRITTEN = [("model-file.md", "The model file format",
                "the JSON a saved network is: every field, and what the loader checks"),
               ("observing.md", "Reading and assigning",
                "what you may read and assign, what is read-only, and when held-back steps "
                "are taken")]


# -- docstrings to Markdown --------------------------------------------------------------

ROLE = re.compile(r":(?:func|class|meth|data|attr|mod|exc):`~?([^`]+)`")
LITERAL = re.compile(r"``([^`]+)``")


def inline(text):
    """``code`` → `code`; :func:`a.b` → `a.b` (:func:`~a.b` → `b`)."""
    def role(match):
        name = match.group(1)
        if match.group(0).split("`")[1].startswith("~"):
            name = name.rsplit(".", 1)[-1]
        return "`%s`" % name
    return LITERAL.sub(r"`\1`", ROLE.sub(role, text))


def indent_of(line):
    return len(line) - len(line.lstrip(" "))


def dedent(lines):
    width = min(indent_of(line) for line in lines if line.strip())
    return [line[width:] for line in lines]


def markdown(doc, module):
    """A cleaned docstring (inspect.getdoc) as Markdown lines."""
    lines = doc.splitlines()
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        previous_blank = i == 0 or not lines[i - 1].strip()
        if line.lstrip().startswith(">>>"):
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            if out and out[-1].strip():
                out.append("")
            out += ["<!-- test: globals %s -->" % module, "```pycon"] + dedent(block) + ["```"]
            continue
        if line.strip() and indent_of(line) >= 4 and previous_blank:
            block = []
            while i < len(lines) and (not lines[i].strip() or indent_of(lines[i]) >= 4):
                block.append(lines[i])
                i += 1
            while not block[-1].strip():
                block.pop()
            for k in range(len(out) - 1, -1, -1):      # "its bias::" → "its bias:"
                if out[k].strip():
                    if out[k].endswith("::"):
                        out[k] = out[k][:-1]
                    break
            out += ["```text"] + dedent(block) + ["```", ""]
            continue
        if line.startswith("* ") and i > 0 and lines[i - 1].strip() \
                and not lines[i - 1].startswith(("* ", "  ")):
            out.append("")                                  # Markdown wants a blank line before a list
        out.append(inline(line[:-1] if line.endswith("::") else line))
        i += 1
    while out and not out[-1].strip():
        out.pop()
    return out


def own_doc(obj):
    """The object's own docstring, cleaned; None if it has none (not an inherited one)."""
    if obj is None:
        return None
    doc = getattr(obj, "__doc__", None)
    return inspect.cleandoc(doc) if isinstance(doc, str) and doc.strip() else None


def signature(name, func, method=False):
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return name + "(…)"
    parameters = list(sig.parameters.values())
    if method and parameters:
        parameters = parameters[1:]
    return name + str(sig.replace(parameters=parameters))


def summary(doc):
    """The first sentence of a docstring, for the index table."""
    first = inline((doc or "").strip().split("\n\n")[0].replace("\n", " "))
    in_code, depth = False, 0
    for i, char in enumerate(first):           # the first ". " or ";" outside `code` and ( )
        if char == "`":
            in_code = not in_code
        elif in_code:
            continue
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif depth <= 0 and (char == ";" or (char == "." and first[i + 1:i + 2] in ("", " "))):
            return first[:i] + "."
    return first


def document_class(qualname, cls, module, interface):
    line = "`%s`" % signature(qualname, cls)
    if issubclass(cls, BaseException):
        line = "*exception* `%s`, subclass of `%s`" % (
            line.strip("`") if "…" not in line else qualname,
            "`, `".join(base.__name__ for base in cls.__bases__))
    out = ["## %s" % qualname, "", line, ""]
    doc = own_doc(cls)
    if doc:
        out += markdown(doc, module) + [""]
    init_doc = own_doc(cls.__dict__.get("__init__"))
    if init_doc:
        out += markdown(init_doc, module) + [""]
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        heading = "### %s.%s" % (qualname, name)
        if isinstance(member, property):
            doc = own_doc(member)
            out += [heading, "", "*property*" + (": " if doc else ""), ""]
            if doc:
                out[-2] = "*property*"
                out += markdown(doc, module) + [""]
            continue
        kind, func = "", member
        if isinstance(member, classmethod):
            kind, func = "*classmethod* ", member.__func__
        elif isinstance(member, staticmethod):
            kind, func = "*staticmethod* ", member.__func__
        if not inspect.isfunction(func):
            continue
        doc = own_doc(func)
        if doc is None and interface != "all":
            continue
        sig = signature(name, func, method=not isinstance(member, staticmethod))
        out += [heading, "", kind + "`%s`" % sig, ""]
        if doc:
            out += markdown(doc, module) + [""]
    return out


def document_function(name, func, module):
    out = ["## %s" % name, "", "`%s`" % signature(name, func), ""]
    doc = own_doc(func)
    if doc:
        out += markdown(doc, module) + [""]
    return out


def object_entries(page):
    """[(module name, object name, interface), …] for one page."""
    entries = []
    for module, names in page[2]:
        for entry in names:
            name, interface = entry if isinstance(entry, tuple) else (entry, None)
            entries.append((module, name, interface))
    return entries


def write_page(page):
    filename, title, groups = page
    several = len(groups) > 1
    out = ["# %s" % title, ""]
    for module_name, _ in groups:
        module = importlib.import_module(module_name)
        body = ["Module `%s`." % module_name, ""]
        doc = own_doc(module)
        if doc:
            body += markdown(doc, module_name) + [""]
        for owner, name, interface in object_entries(page):
            if owner != module_name:
                continue
            obj = getattr(module, name)
            if inspect.isclass(obj):
                body += document_class(name, obj, module_name, interface)
            else:
                body += document_function(name, obj, module_name)
        if several:          # one heading level down, under a heading per module
            body = ["## Module %s" % module_name, ""] + [
                "#" + line if line.startswith("##") else line for line in body[2:]]
        out += body
    return filename, HEADER + "\n".join(out).rstrip() + "\n"


# -- the command line, from its parser ---------------------------------------------------

def cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def option_row(action):
    if action.option_strings:
        names = ", ".join(action.option_strings)
        if action.nargs != 0:
            if action.metavar is not None:
                metavar = action.metavar
            elif action.choices is not None:
                metavar = "{%s}" % ",".join(str(c) for c in action.choices)
            else:
                metavar = action.dest.upper()
            names += " " + metavar
    else:
        names = action.metavar or action.dest
    meaning = action.help or ""
    if "%(" in meaning:
        meaning = meaning % dict(vars(action), prog="neuronsim")
    if action.required and action.option_strings:
        meaning = "required: " + meaning
    return "| `%s` | %s |" % (cell(names), cell(meaning))


def subcommands(parser):
    for action in parser._actions:                  # argparse keeps them here, 3.8–3.13 alike
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            return [(name, helps.get(name, ""), sub) for name, sub in action.choices.items()]
    return []


def cli_page():
    from neuronsim.cli import build_parser
    parser = build_parser()
    out = ["# The command line", "",
           "`python3 -m neuronsim COMMAND …`, or `neuronsim COMMAND …` once installed "
           "(`pip install .`). It runs on CPython and PyPy.", "",
           parser.description, "",
           "| command | what it does |", "|---|---|"]
    commands = subcommands(parser)
    out += ["| [`%s`](#%s) | %s |" % (name, name, cell(help_)) for name, help_, _ in commands]
    out += ["", parser.epilog or "", ""]
    for name, _, sub in commands:
        out += ["## %s" % name, "", sub.description or "", "",
                "| argument | meaning |", "|---|---|"]
        out += [option_row(action) for action in sub._actions
                if not isinstance(action, argparse._HelpAction)]
        out += [""]
        if sub.epilog:
            out += [sub.epilog, ""]
    return "cli.md", HEADER + "\n".join(out).rstrip() + "\n"


# -- the index: one table, a line per object ------------------------------------------

def index_page():
    out = ["# Reference", "",
           "Every public class and function of neuronsim, the command line and the model "
           "file. The pages are written from the docstrings by `scripts/gen_reference.py`; "
           "their examples run in the test suite.", "",
           "Start with [`NeuralNetwork`](network.md): everything a user does goes through it "
           "(`feed_forward`, `backprop`, `train`, `fit`, `predict`, `evaluate`, `save`, "
           "`load`, `export_source`, `explain`, `to_svg`). The modules below hold the "
           "work those methods hand on, and the pieces you can swap (activations, costs, "
           "optimizers).", "",
           "| name | module | what it is |", "|---|---|---|"]
    for page in PAGES:
        seen = {}                  # MkDocs numbers a repeated heading's anchor: export_1, …
        for module_name, name, _ in object_entries(page):
            obj = getattr(importlib.import_module(module_name), name)
            anchor = re.sub(r"[^\w-]", "", name.lower())
            seen[anchor] = seen.get(anchor, -1) + 1
            if seen[anchor]:
                anchor = "%s_%d" % (anchor, seen[anchor])
            out.append("| [`%s`](%s#%s) | `%s` | %s |"
                       % (name, page[0], anchor, module_name, cell(summary(own_doc(obj)))))
    out += ["", "| page | what it is |", "|---|---|",
            "| [The command line](cli.md) | `python3 -m neuronsim train`, `predict`, `info`, "
            "`explain`, `export` |"]
    out += ["| [%s](%s) | %s |" % (title, filename, what) for filename, title, what in HANDWRITTEN]
    return "index.md", HEADER + "\n".join(out).rstrip() + "\n"


def pages():
    """{filename: text} of every generated page."""
    return dict([write_page(page) for page in PAGES] + [cli_page(), index_page()])


def main(argv=None):
    check = "--check" in (sys.argv[1:] if argv is None else argv)
    stale = []
    for filename, text in sorted(pages().items()):
        path = os.path.join(OUT, filename)
        try:
            with open(path, encoding="utf-8") as handle:
                current = handle.read()
        except OSError:
            current = None
        if current == text:
            continue
        stale.append(filename)
        if not check:
            os.makedirs(OUT, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
    if check and stale:
        print("out of date in docs/reference/: %s; run python3 scripts/gen_reference.py"
              % ", ".join(stale))
        return 1
    if not check:
        print("wrote %d page(s) to docs/reference/" % len(stale))
    return 0


if __name__ == "__main__":
    sys.exit(main())
