"""Compile and run exported C and JavaScript on this machine, for the export tests.

Nothing here is a test: test_export_c.py, test_export_javascript.py and the
cross-compilation tests import it.  A tool that is missing makes the tests
that need it skip (``require``); the CI job that exists for a tool sets
NEURONSIM_REQUIRE=gcc,clang,node,arm,qemu (any of them) so a missing one fails
there instead.
"""

import os
import re
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


# -- Cortex-M under QEMU ----------------------------------------------------------------------

ARM_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "arm")

#: name: (gcc flags, QEMU machine, QEMU cpu)
CORTEX_M = {
    "cortex-m3": (["-mcpu=cortex-m3", "-mthumb", "-mfloat-abi=soft"], "mps2-an385", "cortex-m3"),
    "cortex-m4f": (["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"],
                   "mps2-an386", "cortex-m4"),
}

_ARM_MAIN = r"""
#include <stdint.h>
#include <string.h>
#include "%(header)s"

void put_text(const char *text);
void put_hex(uint32_t value);
void put_int(int32_t value);

static const %(T)s rows[%(count)d][%(P)s_NUM_INPUTS] = {
%(rows)s
};

int main(void)
{
    %(T)s outputs[%(P)s_NUM_OUTPUTS];
    uint32_t words[2];
    int r, k;
    for (r = 0; r < %(count)d; r++) {
        if (%(p)s_predict(rows[r], outputs) != 0) {
            put_text("status\n");
            continue;
        }
        for (k = 0; k < %(P)s_NUM_OUTPUTS; k++) {
%(print)s
        }
        put_text("\n");
    }
    put_text("selftest ");
    put_int(%(selftest)s);
    put_text("\n");
    return 0;
}
"""

_ARM_PRINT = {
    "double": "            memcpy(words, &outputs[k], 8);\n"
              "            put_hex(words[1]);\n            put_hex(words[0]);",
    "float": "            memcpy(words, &outputs[k], 4);\n            put_hex(words[0]);",
    "int16": "            put_int(outputs[k]);\n            (void)words;",
}


def _c_row(row, type):
    if type == "int16":
        return ", ".join(str(int(x)) for x in row)
    if type == "float":
        from neuronsim.export.c import to_float32

        return ", ".join(to_float32(x).hex() + "f" for x in row)
    return ", ".join(float(x).hex() for x in row)


def arm_program(directory, header_text, type, rows, cpu, prefix="model", selftest=True,
                optimize="-O2"):
    """Cross-compile the header and a main that runs ``rows`` for ``cpu``
    (a key of CORTEX_M), with the strict warnings; return the ELF's path."""
    directory = str(directory)
    with open(os.path.join(directory, prefix + ".h"), "w") as handle:
        handle.write(header_text)
    source = _ARM_MAIN % {
        "header": prefix + ".h", "T": "int16_t" if type == "int16" else type,
        "P": prefix.upper(), "p": prefix, "count": len(rows),
        "rows": ",\n".join("    {%s}" % _c_row(row, type) for row in rows),
        "print": _ARM_PRINT[type],
        "selftest": "%s_selftest()" % prefix if selftest else "0"}
    main = os.path.join(directory, "main_%s.c" % cpu)
    with open(main, "w") as handle:
        handle.write(source)
    elf = os.path.join(directory, "main_%s.elf" % cpu)
    flags = CORTEX_M[cpu][0]
    startup = os.path.join(directory, "startup_%s.o" % cpu)
    # The start code is test support (a vector table of addresses, semihosting
    # through inline assembly): compiled apart, without -Wpedantic.
    subprocess.run(["arm-none-eabi-gcc"] + flags + ["-std=gnu99", "-Wall", "-Werror", "-O2",
                    "-c", os.path.join(ARM_DIR, "startup.c"), "-o", startup], check=True)
    command = ["arm-none-eabi-gcc"] + flags + STRICT + [optimize, "-nostartfiles",
               "--specs=nosys.specs", "-T", os.path.join(ARM_DIR, "mps2.ld"), main,
               startup, "-o", elf, "-lm"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError("arm-none-eabi-gcc failed:\n%s" % result.stderr)
    return elf


def run_qemu(elf, cpu, type, timeout=120):
    """(outputs per row — None where predict returned non-zero —, self-test failures)."""
    _, machine, qemu_cpu = CORTEX_M[cpu]
    result = subprocess.run(
        ["qemu-system-arm", "-machine", machine, "-cpu", qemu_cpu, "-nographic",
         "-monitor", "none", "-serial", "none", "-semihosting-config",
         "enable=on,target=native", "-kernel", elf],
        capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0 or "FAULT" in result.stdout + result.stderr:
        raise AssertionError("qemu: exit %d\n%s\n%s" % (result.returncode, result.stdout,
                                                       result.stderr))
    results, selftest = [], None
    # Semihosting writes to QEMU's stderr when it is not a terminal.
    for line in (result.stdout + result.stderr).splitlines():
        words = line.split()
        if line.startswith("qemu"):
            continue
        if not words:
            results.append([])
        elif words[0] == "selftest":
            selftest = int(words[1])
        elif words == ["status"]:
            results.append(None)
        elif type == "int16":
            results.append([int(w) for w in words])
        elif type == "double":
            results.append([_from_bits((int(words[i], 16) << 32) | int(words[i + 1], 16), "d")
                            for i in range(0, len(words), 2)])
        else:
            results.append([_from_bits(int(w, 16), "f") for w in words])
    return results, selftest


def _from_bits(bits, kind):
    import struct

    if kind == "d":
        return struct.unpack("<d", struct.pack("<Q", bits))[0]
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def arm_sizes(directory, header_text, cpu, prefix="model", optimize="-O2"):
    """Compile the header alone (one function calling predict and the self-test if
    any) for ``cpu``; return ({section: bytes} from arm-none-eabi-size -A,
    {function: stack bytes} from -fstack-usage)."""
    directory = str(directory)
    with open(os.path.join(directory, prefix + ".h"), "w") as handle:
        handle.write(header_text)
    type_name = re.search(r"int %s_predict\(const (\w+) \*" % prefix, header_text).group(1)
    calls = "%s_predict(inputs, outputs)" % prefix
    if "%s_selftest(void)" % prefix in header_text:
        calls += " + %s_selftest()" % prefix
    source = ('#include "%s.h"\nint run(const %s *inputs, %s *outputs);\n'
              "int run(const %s *inputs, %s *outputs) { return %s; }\n"
              % (prefix, type_name, type_name, type_name, type_name, calls))
    path = os.path.join(directory, "only_%s.c" % cpu)
    with open(path, "w") as handle:
        handle.write(source)
    obj = os.path.join(directory, "only_%s.o" % cpu)
    subprocess.run(["arm-none-eabi-gcc"] + CORTEX_M[cpu][0] + STRICT +
                   [optimize, "-ffunction-sections", "-fdata-sections", "-fstack-usage",
                    "-c", path, "-o", obj], check=True, cwd=directory)
    output = subprocess.run(["arm-none-eabi-size", "-A", obj], capture_output=True, text=True,
                            check=True).stdout
    sections = {}
    for line in output.splitlines():
        words = line.split()
        if len(words) == 3 and words[1].isdigit() and words[0].startswith("."):
            sections[words[0]] = int(words[1])
    stack = {}
    with open(obj[:-2] + ".su") as handle:
        for line in handle:
            location, size, kind = line.rstrip("\n").split("\t")
            stack[location.split(":")[-1]] = (int(size), kind)
    return sections, stack
