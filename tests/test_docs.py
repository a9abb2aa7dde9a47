"""Every example in README.md and docs/ runs, as a reader would run it.

Code blocks, by the language of their fence:

* ``pycon``: a doctest; every output shown is checked (``...`` matches
  anything, runs of whitespace are equal);
* ``python``: run;
* ``console``: a shell session; each ``$ command`` runs in bash (one script
  per block, so a ``cd`` lasts to the end of the block), and the lines after
  it, if any, are the output it must print (stdout and stderr together; the
  same ``...`` and whitespace rules).  Every command must exit with status 0;
* ``sh``: a bash script (``set -e``), run; its output is not checked;
* anything else (``text``, ``json``, ``csv``) is shown, not run.  Every fence
  names its language.

A page's blocks run in order, in one fresh temporary folder, and its Python
blocks share one namespace.  Shell commands find ``python3`` (and
``python``) as the interpreter running these tests, and ``neuronsim`` on
PYTHONPATH; ``demos/`` and ``benchmarks/`` are copied into the folder, so
``python3 demos/xor.py`` works there.  An HTML comment on the line before a block
(invisible on GitHub and on the site) changes how it runs:

* ``<!-- test: skip REASON -->``: not run here; REASON says where it is;
* ``<!-- test: globals MODULE -->``: a docstring's example on a reference
  page: run with that module's globals, as ``--doctest-modules`` runs it.

Also checked: every relative link in these files points at a file that
exists; the reference pages are what scripts/gen_reference.py writes now;
the README gives the exact test command that .ci/run runs.
"""

import doctest
import importlib
import os
import re
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")


def markdown_files():
    """README.md and every page of docs/, as paths relative to the repository."""
    found = ["README.md"]
    for folder, _, files in sorted(os.walk(DOCS)):
        found += sorted(os.path.relpath(os.path.join(folder, name), ROOT)
                        for name in files if name.endswith(".md"))
    return [path.replace(os.sep, "/") for path in found]


PAGES = markdown_files()
LINKED = PAGES + ["CONTRIBUTING.md"]
FENCE = re.compile(r"^(\s*)(```+)\s*([\w+-]*)\s*$")
MARKER = re.compile(r"^\s*<!--\s*test:\s*(skip|globals)\b\s*(.*?)\s*-->\s*$")
RUN = {"pycon", "python", "console", "sh"}
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


class Block:
    def __init__(self, path, line, language, text, marker):
        self.path, self.line, self.language, self.text = path, line, language, text
        self.marker = marker            # None, ("skip", reason) or ("globals", module)

    def where(self):
        return "%s:%d (```%s)" % (self.path, self.line, self.language)


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
        return handle.read()


def blocks(path):
    """Every fenced code block of a Markdown file, in order."""
    lines = read(path).splitlines()
    found, i = [], 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        indent, ticks, language = match.groups()
        start, body = i + 1, []
        i += 1
        while i < len(lines) and lines[i].strip() != ticks:
            body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i])
            i += 1
        marker = None
        k = start - 2
        while k >= 0 and not lines[k].strip():
            k -= 1
        if k >= 0:
            marked = MARKER.match(lines[k])
            if marked:
                marker = marked.groups()
        found.append(Block(path, start, language, "\n".join(body) + "\n", marker))
        i += 1
    return found


# -- running the blocks --------------------------------------------------------------

def run_pycon(block, namespace):
    own = block.marker and block.marker[0] == "globals"
    globs = vars(importlib.import_module(block.marker[1])) if own else namespace
    test = doctest.DocTestParser().get_doctest(block.text, globs, block.where(),
                                               block.path, block.line - 1)   # (a copy)
    report = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(test, out=report.append, clear_globs=False)
    if not own:
        namespace.update(test.globs)
    if runner.failures:
        raise AssertionError("".join(report))


def run_python(block, namespace):
    code = compile(block.text, "%s, line %d" % (block.path, block.line), "exec")
    exec(code, namespace)


def shell_environment(tmp):
    """PATH with python3/python/neuronsim running this interpreter; neuronsim importable."""
    bin_dir = os.path.join(tmp, ".bin")
    os.makedirs(bin_dir)
    shims = {"python3": 'exec "%s" "$@"' % sys.executable,
             "python": 'exec "%s" "$@"' % sys.executable,
             "neuronsim": 'exec "%s" -m neuronsim "$@"' % sys.executable}
    for name, line in shims.items():
        path = os.path.join(bin_dir, name)
        with open(path, "w") as handle:
            handle.write("#!/bin/sh\n" + line + "\n")
        os.chmod(path, 0o755)
    env = dict(os.environ)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = os.pathsep.join([ROOT] + [p for p in [env.get("PYTHONPATH")] if p])
    env["TMPDIR"] = tmp                       # mktemp -d lands in this test's folder
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PYTHONSTARTUP", None)
    return env


def session(text):
    """[(command, expected output), …] of a console block."""
    steps = []
    for line in text.splitlines():
        if line.startswith("$ "):
            steps.append([line[2:], []])
        elif steps and steps[-1][0].endswith("\\") and not steps[-1][1]:
            steps[-1][0] += "\n" + line                     # a continued command
        elif steps:
            steps[-1][1].append(line)
        elif line.strip():
            raise AssertionError("output before the first $ command: %r" % line)
    return [(command, "\n".join(out).strip("\n")) for command, out in steps]


def run_console(block, tmp, env):
    steps = session(block.text)
    assert steps, "%s: no $ command" % block.where()
    token = "@@docs-test-%d@@" % os.getpid()
    script = ["exec 2>&1"]
    for command, _ in steps:
        script += [command, 'printf "\\n%s %%s\\n" "$?"' % token]
    result = subprocess.run(["bash", "-c", "\n".join(script)], cwd=tmp, env=env,
                            stdout=subprocess.PIPE, universal_newlines=True, timeout=300)
    pieces = re.split(r"\n%s (\d+)\n" % re.escape(token), result.stdout)
    checker = doctest.OutputChecker()
    for n, (command, want) in enumerate(steps):
        assert 2 * n + 1 < len(pieces), "%s: the session stopped before $ %s\n%s" % (
            block.where(), command, result.stdout)
        got, status = pieces[2 * n].strip("\n"), pieces[2 * n + 1]
        assert status == "0", "%s: $ %s\nexit status %s\n%s" % (block.where(), command,
                                                                 status, got)
        if want and not checker.check_output(want + "\n", got + "\n", FLAGS):
            raise AssertionError("%s: $ %s\nexpected:\n%s\ngot:\n%s"
                                 % (block.where(), command, want, got))


def run_sh(block, tmp, env):
    result = subprocess.run(["bash", "-e", "-c", block.text], cwd=tmp, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, timeout=300)
    assert result.returncode == 0, "%s: exit status %d\n%s" % (block.where(),
                                                                result.returncode, result.stdout)


@pytest.mark.parametrize("path", PAGES)
def test_examples_run(path, tmp_path, monkeypatch):
    page = blocks(path)
    for block in page:
        assert block.language, "%s: name the fence's language" % block.where()
        if block.marker and block.marker[0] == "skip":
            assert block.marker[1], "%s: say why it is skipped" % block.where()
    runnable = [b for b in page if b.language in RUN and not (b.marker and b.marker[0] == "skip")]
    if not runnable:
        return
    tmp = str(tmp_path)
    for folder in ("demos", "benchmarks"):
        shutil.copytree(os.path.join(ROOT, folder), os.path.join(tmp, folder),
                        ignore=shutil.ignore_patterns("out", "__pycache__"))
    monkeypatch.chdir(tmp)
    monkeypatch.syspath_prepend(tmp)        # as for a script run in that folder
    modules = set(sys.modules)
    namespace = {"__name__": "__docs__"}
    env = None
    try:
        for block in runnable:
            if block.language in ("console", "sh"):
                if shutil.which("bash") is None:
                    pytest.skip("no bash to run %s" % block.where())
                env = env or shell_environment(tmp)
                (run_console if block.language == "console" else run_sh)(block, tmp, env)
            elif block.language == "pycon":
                run_pycon(block, namespace)
            else:
                run_python(block, namespace)
    finally:
        for name in set(sys.modules) - modules:     # modules the page wrote and imported
            if (getattr(sys.modules[name], "__file__", None) or "").startswith(tmp):
                del sys.modules[name]


# -- links, the reference, the README's test command -------------------------------------

LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("path", LINKED)
def test_relative_links_point_at_files(path):
    text = re.sub(r"```.*?```", "", read(path), flags=re.S)
    folder = os.path.dirname(os.path.join(ROOT, path))
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        file_part = target.split("#")[0]
        assert os.path.exists(os.path.join(folder, file_part)), "%s: broken link %s" % (
            path, target)


def test_reference_pages_are_up_to_date(capsys):
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    try:
        gen_reference = importlib.import_module("gen_reference")
    finally:
        sys.path.pop(0)
    status = gen_reference.main(["--check"])
    assert status == 0, capsys.readouterr().out


def test_readme_gives_the_test_command_ci_runs():
    command = 'python3 -m pip install -e ".[test]" && python3 -m pytest -q'
    assert command in read("README.md")
    ci = read(".ci/run")
    assert 'pip install --quiet -e ".[test]"' in ci and "python -m pytest -q" in ci


def test_the_cli_options_table_states_the_defaults_in_force():
    """docs/how-to/train-on-a-csv.md lists each training option's default; the
    command line's help builds them from neuronsim.defaults, and so must the page."""
    from neuronsim import defaults
    rows = {}
    for line in read("docs/how-to/train-on-a-csv.md").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`--"):
            rows[cells[0]] = cells[1]
    expected = {
        "`--layers N,H,…,M`": "%d to %d" % (defaults.MIN_HIDDEN, defaults.MAX_HIDDEN),
        "`--activation NAME[,NAME…]`": defaults.HIDDEN_ACTIVATION,
        "`--optimizer`": defaults.OPTIMIZER,
        "`--learning-rate η`": "%g with adam, %g with sgd" % (defaults.LEARNING_RATE,
                                                             defaults.SGD_LEARNING_RATE),
        "`--batch-size N`": "min(%d, rows)" % defaults.MAX_BATCH,
        "`--epochs N`": "%d" % defaults.MAX_EPOCHS,
        "`--validation-split F`": "%g (0 below %d rows)" % (defaults.VALIDATION_SPLIT,
                                                           defaults.MIN_ROWS_FOR_VALIDATION),
        "`--patience N`, `--min-delta D`": "%d, %g" % (defaults.PATIENCE, defaults.MIN_DELTA),
    }
    for option, default in expected.items():
        assert option in rows, option
        assert default in rows[option], (option, rows[option], default)
