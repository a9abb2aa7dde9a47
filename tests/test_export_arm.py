"""The C target on Cortex-M: cross-compiled with arm-none-eabi-gcc (strict warnings)
for a Cortex-M3 (no FPU) and a Cortex-M4F, run under qemu-system-arm (MPS2 boards,
semihosting): the self-test passes, int16 predictions equal the host's exactly,
double and float ones within the libm's last bit; the stated memory equals what
arm-none-eabi-size shows.

Skips without the toolchain and QEMU (apt-get install gcc-arm-none-eabi
libnewlib-arm-none-eabi qemu-system-arm), and in CI's core suites: CI's job
'embedded' runs it and fails if they are missing (NEURONSIM_REQUIRE).
"""

import csv
import os
import random

import pytest

from neuronsim import NeuralNetwork
from neuronsim.export import c as c_target

from export_tools import (CORTEX_M, arm_program, arm_sizes, host_program, require, run_program,
                          run_qemu)
from test_export_c import ROOT, every_activation_networks, input_rows, run_cli

#: predict's stack: the deepest chain predict → dense → integer activation (nothing
#: recurses), frames by -fstack-usage with arm-none-eabi-gcc 12.2 -O2; libm's own
#: frames (exp, tanh) are not counted.  Measured up to 200 bytes (double on the
#: Cortex-M4F: 64 + 136); docs/export.md states 256.
STACK_BOUND = 256


def predict_stack(stack):
    """The deepest chain under predict, from {function: (bytes, kind)}."""
    def largest(word):
        return max([size for name, (size, _) in stack.items() if word in name] or [0])
    return largest("_predict") + largest("_dense") + largest("_q_")


@pytest.fixture(autouse=True)
def toolchain():
    if os.environ.get("CI") and "arm" not in os.environ.get("NEURONSIM_REQUIRE", ""):
        pytest.skip("runs in CI's own job 'embedded' (NEURONSIM_REQUIRE=...arm...)")
    require("arm-none-eabi-gcc")
    require("arm-none-eabi-size")
    require("qemu-system-arm")


def iris_rows():
    with open(os.path.join(ROOT, "demos", "data", "iris.csv")) as handle:
        rows = list(csv.reader(handle))[1:]
    return [[float(x) for x in row[:4]] for row in rows if row]


def train_iris(directory):
    """The README's iris model, trained by the command line in ``directory``."""
    (directory / "iris.csv").write_text(
        open(os.path.join(ROOT, "demos", "data", "iris.csv")).read())
    trained = run_cli("train", "iris.csv", "--layers", "4,8,3", "--output-activation", "softmax",
                      "--cost", "cross_entropy", "--learning-rate", "0.05", "--epochs", "200",
                      "--seed", "1", "--out", "model.json", "--quiet", cwd=str(directory))
    assert trained.returncode == 0, trained.stderr


@pytest.fixture(scope="module")
def iris(tmp_path_factory):
    directory = tmp_path_factory.mktemp("iris")
    train_iris(directory)
    return NeuralNetwork.load(str(directory / "model.json")), iris_rows()


def sections_total(sections, prefix):
    return sum(size for name, size in sections.items() if name.startswith(prefix))


@pytest.mark.parametrize("cpu", sorted(CORTEX_M))
@pytest.mark.parametrize("type", c_target.TYPES)
def test_memory_figures_equal_arm_none_eabi_size(tmp_path, cpu, type):
    rng = random.Random(6)
    for index, net in enumerate(every_activation_networks()[::4]):
        rows = input_rows(net, 20, rng)
        result = c_target.build(net, type, selftest=3 if index % 2 else 0, data=rows)
        directory = tmp_path / str(index)
        directory.mkdir()
        sections, stack = arm_sizes(directory, result.text, cpu)
        rodata = sections_total(sections, ".rodata")
        if min(net.layer_sizes) >= 3:
            assert rodata == result.flash_bytes + result.selftest_bytes
        else:   # gcc unrolls a loop of 1 or 2 and keeps those constants in the code
            assert rodata <= result.flash_bytes + result.selftest_bytes
        assert sections_total(sections, ".bss") == result.ram_bytes
        assert sections_total(sections, ".data") == 0
        assert all(kind == "static" for size, kind in stack.values()), stack
        assert predict_stack(stack) <= STACK_BOUND, stack


@pytest.mark.parametrize("cpu", sorted(CORTEX_M))
@pytest.mark.parametrize("type", c_target.TYPES)
def test_qemu_selftest_passes_and_predictions_equal_the_hosts(tmp_path, iris, cpu, type):
    require("gcc")
    net, rows = iris
    result = c_target.build(net, type, selftest=20, data=rows)
    inputs = rows if type != "int16" else [c_target.quantize_inputs(result.plan, r) for r in rows]
    host, host_failures = run_program(host_program(tmp_path, result.text, type, selftest=True),
                                      inputs, type)
    elf = arm_program(tmp_path, result.text, type, inputs, cpu)
    device, failures = run_qemu(elf, cpu, type)
    assert failures == 0 and host_failures == 0
    assert len(device) == len(host) == len(rows)
    if type == "int16":
        assert device == host
        return
    # newlib's exp and tanh are not glibc's: the last bit of some activations.
    bound = 1e-15 if type == "double" else 2.0 ** -22
    worst = max(abs(d - h) / (1.0 + abs(h)) for ds, hs in zip(device, host)
                for d, h in zip(ds, hs))
    assert worst <= bound, worst


@pytest.mark.parametrize("type", c_target.TYPES)
def test_qemu_every_activation_on_cortex_m3(tmp_path, type):
    """Networks with every activation, on the FPU-less core: self-test passes."""
    rng = random.Random(7)
    for index, net in enumerate(every_activation_networks()[1::3]):
        rows = input_rows(net, 12, rng)
        result = c_target.build(net, type, selftest=6, data=rows)
        directory = tmp_path / str(index)
        directory.mkdir()
        inputs = rows[:4] if type != "int16" else \
            [c_target.quantize_inputs(result.plan, r) for r in rows[:4]]
        device, failures = run_qemu(arm_program(directory, result.text, type, inputs,
                                                "cortex-m3"), "cortex-m3", type)
        assert failures == 0, [layer.activation.name for layer in net.layers]
        if type == "int16":
            assert device == [c_target.int16_predict(result.plan, r) for r in inputs]


def test_the_readme_road_on_cortex_m3(tmp_path):
    """CSV → train → export --to c --type int16 --selftest 20 → Cortex-M3: passes."""
    train_iris(tmp_path)
    exported = run_cli("export", "model.json", "--to", "c", "--type", "int16", "--selftest", "20",
                       "--out", "model.h", cwd=str(tmp_path))
    assert exported.returncode == 0, exported.stderr
    assert "class agreement 150/150" in exported.stderr or "class agreement 149/150" in \
        exported.stderr, exported.stderr
    text = (tmp_path / "model.h").read_text()
    _, failures = run_qemu(arm_program(tmp_path, text, "int16", [[0, 0, 0, 0]], "cortex-m3"),
                           "cortex-m3", "int16")
    assert failures == 0
