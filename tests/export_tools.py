"""Compile and run exported C and JavaScript on this machine, for the export tests.

Nothing here is a test: test_export_c.py, test_export_javascript.py and the
cross-compilation tests import it.  A tool that is missing makes the tests
that need it skip (``require``); the CI job that exists for a tool sets
NEURONSIM_REQUIRE=gcc,clang,node,arm,qemu (any of them) so a missing one fails
there instead.
"""

import os
import shutil
import subprocess

import pytest

#: The warnings every exported header must compile without (issue 15).
STRICT = ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Wdouble-promotion",
          "-Wfloat-conversion", "-Wconversion", "-Werror"]

C_COMPILERS = ("gcc", "clang")


def require(tool, found=None):
    """Skip unless ``tool`` is on PATH (fail instead where NEURONSIM_REQUIRE names it)."""
    if found is None:
        found = shutil.which(tool) is not None
    if not found:
        required = os.environ.get("NEURONSIM_REQUIRE", "").split(",")
        if tool in required or (tool.startswith("arm") and "arm" in required):
            pytest.fail("%s is required here (NEURONSIM_REQUIRE) but missing" % tool)
        pytest.skip("%s not installed" % tool)


# A program around an exported header: reads rows of inputs on stdin, prints one row
# of outputs per line (hex floats for double and float: exact), then the self-test.
_HOST_MAIN = r"""
#include <stdio.h>
#include <stdlib.h>
#include "%(header)s"

int main(void)
{
    char word[64];
    %(T)s inputs[%(P)s_NUM_INPUTS], outputs[%(P)s_NUM_OUTPUTS];
    int i, k, status;
    for (;;) {
        for (i = 0; i < %(P)s_NUM_INPUTS; i++) {
            if (scanf("%%63s", word) != 1) goto done;
            inputs[i] = %(read)s;
        }
        status = %(p)s_predict(inputs, outputs);
        if (status != 0) {
            printf("status %%d\n", status);
            continue;
        }
        for (k = 0; k < %(P)s_NUM_OUTPUTS; k++) printf(k ? " " : "");
        for (k = 0; k < %(P)s_NUM_OUTPUTS; k++) printf(%(write)s);
        printf("\n");
    }
done:
%(selftest)s    return 0;
}
"""

_IO = {
    "double": ("strtod(word, NULL)", r'"%a ", outputs[k]'),
    "float": ("(float)strtod(word, NULL)", r'"%a ", (double)outputs[k]'),
    "int16": ("(int16_t)strtol(word, NULL, 10)", r'"%d ", (int)outputs[k]'),
}


def host_program(directory, header_text, type, prefix="model", selftest=False, cc="gcc",
                 optimize="-O2", extra=()):
    """Write the header and a main around it into ``directory``, compile with the
    strict warnings, return the executable's path (CalledProcessError shows the
    compiler's complaint)."""
    directory = str(directory)
    header = os.path.join(directory, prefix + ".h")
    with open(header, "w") as handle:
        handle.write(header_text)
    read, write = _IO[type]
    source = _HOST_MAIN % {
        "header": prefix + ".h", "T": {"int16": "int16_t"}.get(type, type),
        "P": prefix.upper(), "p": prefix, "read": read, "write": write,
        "selftest": '    printf("selftest %%d\\n", %s_selftest());\n' % prefix if selftest else ""}
    main = os.path.join(directory, "main_%s.c" % cc)
    with open(main, "w") as handle:
        handle.write(source)
    program = os.path.join(directory, "main_%s" % cc)
    result = subprocess.run([cc] + STRICT + [optimize] + list(extra) + [main, "-o", program, "-lm"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError("%s failed:\n%s" % (cc, result.stderr))
    return program


def encode_inputs(rows, type):
    if type == "int16":
        return "\n".join(" ".join(str(int(x)) for x in row) for row in rows) + "\n"
    return "\n".join(" ".join(float.hex(float(x)) for x in row) for row in rows) + "\n"


def run_program(program, rows, type):
    """(outputs per row — None where predict returned non-zero —, self-test failures or None)."""
    output = subprocess.run([program], input=encode_inputs(rows, type), capture_output=True,
                            text=True, check=True).stdout
    results, selftest = [], None
    for line in output.splitlines():
        if line.startswith("selftest "):
            selftest = int(line.split()[1])
        elif line.startswith("status "):
            results.append(None)
        else:
            words = line.split()
            results.append([int(w) for w in words] if type == "int16"
                           else [float.fromhex(w) for w in words])
    return results, selftest


# Runs an exported ES module (or, with "script", a plain script through require)
# on rows of inputs read as JSON on stdin; prints JSON (exact: shortest round-trip).
_NODE_MODULE = """
import { readFileSync } from "node:fs";
const { predict } = await import(process.argv[2]);
const rows = JSON.parse(readFileSync(0, "utf8"));
console.log(JSON.stringify(rows.map((row) => predict(row))));
"""
_NODE_SCRIPT = """
const { readFileSync } = require("node:fs");
const api = require(process.argv[2]);
if (globalThis[process.argv[3]] !== api) throw new Error("no global " + process.argv[3]);
const rows = JSON.parse(readFileSync(0, "utf8"));
console.log(JSON.stringify(rows.map((row) => api.predict(row))));
"""


def run_javascript(directory, source, rows, form="module", name="model", node="node"):
    """predict() of an exported file on each row, under Node."""
    import json

    directory = str(directory)
    suffix = ".mjs" if form == "module" else ".cjs"
    path = os.path.join(directory, name + suffix)
    with open(path, "w") as handle:
        handle.write(source)
    runner = os.path.join(directory, "run" + suffix)
    with open(runner, "w") as handle:
        handle.write(_NODE_MODULE if form == "module" else _NODE_SCRIPT)
    result = subprocess.run([node, runner, path, name], input=json.dumps(rows),
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError("node failed:\n%s" % result.stderr)
    return json.loads(result.stdout, parse_int=float)
