"""The command line: ``python -m neuronsim train|predict|info|explain|export`` (or ``neuronsim …``).

    neuronsim train xor.csv --layers 2,4,1 --epochs 2000 --seed 1 --out xor.json
    neuronsim predict xor.json xor.csv          # CSV of outputs on stdout
    neuronsim info xor.json                     # architecture and counts
    neuronsim explain xor.json --inputs 1,0 --targets 1   # one step, number by number
    neuronsim export xor.json > xor_model.py    # standalone module, imports only math

CSV files: one sample per row, an optional header row (detected: a first row
with a word where the rows below have numbers), numbers in every input column.
A target column of words (``setosa``, ``virginica``, …) holds class labels,
learned one-hot with one output per class.  The column names, target columns
and class labels are stored in the model file, so ``predict`` can pick the
input columns out of the same kind of file and name its outputs.

A bad file or argument prints one line (``neuronsim: error: …``) and exits
with status 2.  This module uses ``argparse`` and ``csv``: it is for CPython
and PyPy; the network it saves and exports runs anywhere.
"""

import argparse
import csv
import math
import os
import sys
import time

from . import __version__
from .saving import ModelFileError, from_dict, read_document, save
from .training import TrainingDiverged

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


class CommandError(Exception):
    """A bad argument or data file: printed as one line, exit status 2."""


# -- argparse, one line per error ----------------------------------------------------

class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise CommandError("%s (see '%s --help')" % (message, self.prog))


def _layer_sizes(text):
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError("expected widths like 4,8,3 (inputs,hidden…,outputs), "
                                         "got %r" % text)
    if len(sizes) < 3 or min(sizes) < 1:
        raise argparse.ArgumentTypeError("expected at least 3 widths >= 1 like 4,8,3 "
                                         "(inputs,hidden…,outputs), got %r" % text)
    return sizes


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError("expected a number in [0, 1), got %r" % text)
    return value


def _positive(kind):
    wanted = "a whole number >= 1" if kind is int else "a number > 0"

    def convert(text):
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not value > 0 or (kind is float and not math.isfinite(value)):
            raise argparse.ArgumentTypeError("expected %s, got %r" % (wanted, text))
        return value
    return convert


def _numbers_argument(text):
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        values = None
    if not values or not all(math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError("expected finite numbers separated by commas, like "
                                         "0.05,0.1, got %r" % text)
    return values


def build_parser():
    parser = _Parser(
        prog="neuronsim",
        description="Train, inspect, run and export neuronsim networks from CSV files.",
        epilog="Each command has its own help: neuronsim train --help.  Errors print one "
               "line and exit with status 2.")
    parser.add_argument("--version", action="version", version="neuronsim " + __version__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    train = commands.add_parser(
        "train", help="train a network on a CSV file and save it as JSON",
        description="Train a network on the rows of a CSV file and save it as a JSON model. "
                    "Input columns must hold numbers; the target columns hold numbers, or one "
                    "column of class labels (words) learned one-hot. A progress line is "
                    "written to stderr while training.",
        epilog="Example: neuronsim train iris.csv --layers 4,8,3 --target-columns species "
               "--output-activation softmax --cost cross_entropy --epochs 200 --seed 1 "
               "--out iris.json")
    train.add_argument("data", metavar="DATA.csv", help="training data, one sample per row")
    train.add_argument("--layers", required=True, type=_layer_sizes, metavar="N,H,…,M",
                       help="layer widths: inputs, hidden layer(s), outputs, e.g. 4,8,3")
    train.add_argument("--out", required=True, metavar="MODEL.json",
                       help="where to save the trained model (written atomically)")
    train.add_argument("--target-columns", metavar="COLS",
                       help="comma-separated names or 0-based indices of the target columns "
                            "(default: the last column if it holds labels, else the last M "
                            "columns)")
    train.add_argument("--input-columns", metavar="COLS",
                       help="comma-separated names or indices of the input columns "
                            "(default: every column that is not a target)")
    train.add_argument("--epochs", type=_positive(int), default=100, metavar="N",
                       help="passes over the data (default 100)")
    train.add_argument("--batch-size", type=_positive(int), default=1, metavar="N",
                       help="samples per gradient step (default 1: online)")
    train.add_argument("--learning-rate", type=_positive(float), default=0.5, metavar="η",
                       help="step size η (default 0.5)")
    train.add_argument("--momentum", type=_fraction, default=0.0, metavar="μ",
                       help="momentum in [0, 1) (default 0)")
    train.add_argument("--l2", type=float, default=0.0, metavar="λ",
                       help="L2 weight decay (default 0)")
    train.add_argument("--activation", default="sigmoid",
                       choices=["sigmoid", "tanh", "relu", "leaky_relu", "linear"],
                       help="hidden-layer activation (default sigmoid)")
    train.add_argument("--output-activation",
                       choices=["sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"],
                       help="output-layer activation (default: as --activation)")
    train.add_argument("--cost", default="squared_error",
                       choices=["squared_error", "cross_entropy"],
                       help="cost function (default squared_error)")
    train.add_argument("--seed", type=int, metavar="N",
                       help="seed for initial weights and shuffling (default: random, "
                            "recorded in the model)")
    train.add_argument("--error-threshold", type=_positive(float), metavar="E",
                       help="stop once the mean training error is below E")
    train.add_argument("--max-seconds", type=_positive(float), metavar="S",
                       help="stop after S seconds")
    train.add_argument("--quiet", action="store_true", help="no progress line")
    train.set_defaults(run=command_train)

    predict = commands.add_parser(
        "predict", help="run a model on the rows of a CSV file; CSV on stdout",
        description="Run a saved model on every row of a CSV file and write its outputs as "
                    "CSV to stdout, one row per input row, with a header naming the outputs "
                    "(and a 'class' column for models trained on class labels). Input "
                    "columns are picked by the names stored at training time when the file "
                    "has a header; otherwise every row must hold just the inputs, or the "
                    "same columns as the training file.",
        epilog="Example: neuronsim predict iris.json iris.csv > predictions.csv")
    predict.add_argument("model", metavar="MODEL.json")
    predict.add_argument("data", metavar="DATA.csv", help="'-' reads stdin")
    predict.set_defaults(run=command_predict)

    info = commands.add_parser(
        "info", help="show a model's architecture and counts",
        description="Print a saved model's layers, activations, cost, training options, "
                    "parameter counts and, when trained from the command line, its columns.",
        epilog="Example: neuronsim info iris.json")
    info.add_argument("model", metavar="MODEL.json")
    info.set_defaults(run=command_info)

    explain = commands.add_parser(
        "explain", help="write out one training step on one sample, number by number",
        description="Print one step of gradient descent on one sample the way the worked "
                    "example does it: every net input, output and error, the chain rule for "
                    "every weight, every delta and every updated weight (computed, not saved: "
                    "the model file is not changed). For small networks (up to 300 weights).",
        epilog="Example: neuronsim explain xor.json --inputs 1,0 --targets 1 "
               "--svg xor.svg --label gradient")
    explain.add_argument("model", metavar="MODEL.json")
    explain.add_argument("--inputs", required=True, type=_numbers_argument, metavar="X1,X2,…",
                         help="the sample's inputs, comma-separated")
    explain.add_argument("--targets", required=True, type=_numbers_argument, metavar="T1,…",
                         help="the sample's targets, comma-separated")
    explain.add_argument("--svg", metavar="FILE.svg",
                         help="also draw the network after this sample's forward and backward "
                              "pass as an SVG picture in FILE.svg")
    explain.add_argument("--label", choices=("weight", "gradient"),
                         help="with --svg: label each connection with its weight w or its "
                              "gradient ∂E/∂w")
    explain.set_defaults(run=command_explain)

    export = commands.add_parser(
        "export", help="write a standalone Python module (imports only math)",
        description="Write a standalone Python module with the model's weights inlined and "
                    "a predict(inputs) function that imports nothing but math. It runs on "
                    "CPython, PyPy and MicroPython with nothing installed and returns exactly "
                    "what neuronsim returns on the same interpreter.",
        epilog="Example: neuronsim export iris.json > iris_model.py && "
               "python3 -c 'import iris_model; print(iris_model.predict([5.1, 3.5, 1.4, 0.2]))'")
    export.add_argument("model", metavar="MODEL.json")
    export.add_argument("--out", metavar="FILE.py", help="write here instead of stdout")
    export.set_defaults(run=command_export)

    playground = commands.add_parser(
        "playground", help="learn backpropagation in the browser: a local page, offline",
        description="Serve the playground on 127.0.0.1 and open it in the browser: train small "
                    "networks on toy data or your CSV file, step the worked example sample by "
                    "sample, and inspect every partial and any weight's chain rule. The page "
                    "runs neuronsim itself (on MicroPython, in WebAssembly); nothing is "
                    "fetched from the internet. Ctrl+C stops the server.",
        epilog="Example: neuronsim playground --port 8765 --no-browser")
    playground.add_argument("--port", type=int, default=8765, metavar="N",
                            help="port on 127.0.0.1 (default 8765; 0 picks a free one)")
    playground.add_argument("--no-browser", action="store_true",
                            help="do not open a browser tab; just print the address")
    playground.add_argument("--build", metavar="DIR",
                            help="write the page as a static site into DIR instead of serving")
    playground.set_defaults(run=command_playground)
    return parser


# -- CSV ------------------------------------------------------------------------------

def _is_number(text):
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def read_csv(path):
    """(header or None, rows, where) with rows as lists of stripped strings."""
    name = "stdin" if path == "-" else path
    try:
        if path == "-":
            rows = list(csv.reader(sys.stdin))
        else:
            with open(path, newline="", encoding="utf-8-sig") as handle:
                rows = list(csv.reader(handle))
    except csv.Error as error:
        raise CommandError("%s: not a readable CSV file: %s" % (name, error))
    except UnicodeDecodeError:
        raise CommandError("%s: not a UTF-8 text file" % name)
    numbered = [(number, [cell.strip() for cell in row])
                for number, row in enumerate(rows, 1) if any(cell.strip() for cell in row)]
    if not numbered:
        raise CommandError("%s: no rows" % name)
    header = None
    first = numbered[0][1]
    rest = numbered[1:]
    if not any(_is_number(cell) for cell in first) or (rest and any(
            not _is_number(cell) and index < len(rest[0][1]) and _is_number(rest[0][1][index])
            for index, cell in enumerate(first))):
        header = first
        numbered = rest
    if not numbered:
        raise CommandError("%s: a header but no data rows" % name)
    width = len(numbered[0][1])
    for number, row in numbered:
        if len(row) != width:
            raise CommandError("%s, line %d: expected %d columns like the first row, got %d"
                               % (name, number, width, len(row)))
    if header is not None and len(header) != width:
        raise CommandError("%s, line 1: the header has %d columns, the rows %d"
                           % (name, len(header), width))
    return header, numbered, name


def _column_indices(spec, header, width, name, option):
    indices = []
    for part in spec.split(","):
        part = part.strip()
        if header is not None and part in header:
            indices.append(header.index(part))
            continue
        try:
            index = int(part)
        except ValueError:
            raise CommandError("%s: no column %r in %s%s" % (
                option, part, name, " (columns: %s)" % ", ".join(header) if header else
                " (it has no header: use 0-based indices)"))
        if not -width <= index < width:
            raise CommandError("%s: column %d is out of range: %s has %d columns"
                               % (option, index, name, width))
        indices.append(index % width)
    if len(set(indices)) != len(indices):
        raise CommandError("%s: a column is named twice in %r" % (option, spec))
    return indices


def _numbers(row, number, columns, header, name):
    values = []
    for index in columns:
        cell = row[index]
        try:
            value = float(cell)
        except ValueError:
            value = None
        if value is None or not math.isfinite(value):
            raise CommandError("%s, line %d, column %s: expected a finite number, got %r"
                               % (name, number, repr(header[index]) if header else index, cell))
        values.append(value)
    return values


def _column_name(header, index):
    return header[index] if header else str(index)


# -- train ----------------------------------------------------------------------------

def load_training_data(args):
    header, rows, name = read_csv(args.data)
    width = len(rows[0][1])
    sizes = args.layers
    num_inputs, num_outputs = sizes[0], sizes[-1]
    if args.target_columns:
        targets = _column_indices(args.target_columns, header, width, name, "--target-columns")
    elif not _is_number(rows[0][1][-1]):
        targets = [width - 1]
    else:
        if num_outputs >= width:
            raise CommandError("--layers: %d outputs leave no input columns in %s (%d columns)"
                               % (num_outputs, name, width))
        targets = list(range(width - num_outputs, width))
    if args.input_columns:
        inputs = _column_indices(args.input_columns, header, width, name, "--input-columns")
        if set(inputs) & set(targets):
            raise CommandError("--input-columns: a column cannot be both input and target")
    else:
        inputs = [index for index in range(width) if index not in targets]
    if len(inputs) != num_inputs:
        raise CommandError("--layers: %d inputs, but %s has %d input columns (%s)"
                           % (num_inputs, name, len(inputs),
                              ", ".join(_column_name(header, i) for i in inputs)))

    classes = None
    labels = [row[targets[0]] for _, row in rows]
    if len(targets) == 1 and not any(_is_number(label) for label in labels):
        classes = sorted(set(labels))
        if len(classes) != num_outputs:
            raise CommandError("--layers: %d outputs, but column %s holds %d class labels (%s)"
                               % (num_outputs, _column_name(header, targets[0]), len(classes),
                                  ", ".join(classes)))
    elif len(targets) != num_outputs:
        raise CommandError("--layers: %d outputs, but %d target columns were given"
                           % (num_outputs, len(targets)))

    samples = []
    for number, row in rows:
        values = _numbers(row, number, inputs, header, name)
        if classes is None:
            wanted = _numbers(row, number, targets, header, name)
        else:
            wanted = [1.0 if row[targets[0]] == label else 0.0 for label in classes]
        samples.append((values, wanted))
    metadata = {
        "command": "train",
        "data": os.path.basename(args.data),
        "num_columns": width,
        "input_columns": [_column_name(header, i) for i in inputs],
        "input_indices": inputs,
        "target_columns": [_column_name(header, i) for i in targets],
        "has_header": header is not None,
    }
    if classes is not None:
        metadata["classes"] = classes
    return samples, metadata


class Progress:
    """One progress line on stderr: rewritten in place on a terminal, every tenth otherwise."""

    def __init__(self, epochs, stream, quiet=False):
        self.epochs = epochs
        self.stream = stream
        self.quiet = quiet
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.every = max(1, epochs // 10)
        self.last_shown = 0.0
        self.shown = 0
        self.width = len(str(epochs))

    def line(self, epoch, error, seconds):
        return "neuronsim: epoch %*d/%d  error %.6g  %.1fs" % (self.width, epoch, self.epochs,
                                                             error, seconds)

    def __call__(self, epoch, error, seconds):
        if self.quiet:
            return
        if self.tty:
            now = time.time()
            if now - self.last_shown >= 0.1 or epoch == self.epochs or epoch == 1:
                self.last_shown = now
                text = self.line(epoch, error, seconds)
                self.stream.write("\r" + text.ljust(self.shown))  # cover a longer last line
                self.shown = len(text)
                self.stream.flush()
        elif epoch == 1 or epoch % self.every == 0 or epoch == self.epochs:
            self.stream.write(self.line(epoch, error, seconds) + "\n")
            self.stream.flush()

    def done(self):
        if self.tty and not self.quiet:
            self.stream.write("\n")
            self.stream.flush()


def _train(net, samples, args, progress):
    """``net.fit`` with the command's options; its callback drives the progress line."""
    def callback(epoch, history):
        progress(epoch, history.training_error[-1], history.seconds)
        return False

    return net.fit(samples, epochs=args.epochs, batch_size=args.batch_size,
                   learning_rate=args.learning_rate, momentum=args.momentum, l2=args.l2,
                   seed=args.seed, error_threshold=args.error_threshold,
                   max_seconds=args.max_seconds, callback=callback)


def _check_out_directory(path, option):
    """Fail before the work, not after it, if ``path`` cannot be written for want of a folder."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise CommandError("%s: no such directory: %s" % (option, directory))


def command_train(args, stdout, stderr):
    from .network import NeuralNetwork

    _check_out_directory(args.out, "--out")
    samples, metadata = load_training_data(args)
    sizes = args.layers
    try:
        net = NeuralNetwork(sizes[0], sizes[1:-1], sizes[-1], activation=args.activation,
                            output_activation=args.output_activation, cost=args.cost,
                            learning_rate=args.learning_rate, seed=args.seed)
        net._check_samples(samples, "training data")
    except (TypeError, ValueError) as error:
        raise CommandError(str(error))
    progress = Progress(args.epochs, stderr, args.quiet)
    try:
        history = _train(net, samples, args, progress)
    except (TypeError, ValueError) as error:
        progress.done()
        raise CommandError(str(error))
    except TrainingDiverged as error:
        progress.done()
        stderr.write("neuronsim: error: %s\n" % error)
        return EXIT_FAILED
    progress.done()
    epochs, error, stop = history.epochs, history.training_error[-1], history.stop_reason
    metadata["training"] = {"epochs": epochs, "training_error": error, "stop_reason": stop,
                            "seconds": round(history.seconds, 3), "shuffle_seed": history.seed,
                            "batch_size": args.batch_size, "momentum": args.momentum,
                            "l2": args.l2}
    save(net, args.out, metadata)
    if not args.quiet:
        stderr.write("neuronsim: trained %d epoch%s in %.1fs (stopped by %s), error %.6g; "
                     "saved %s\n" % (epochs, "" if epochs == 1 else "s", history.seconds, stop,
                                     error, args.out))
    return 0


# -- predict, info, export ---------------------------------------------------------------

def load_model(path):
    """(network, metadata) from a model file; any problem is one line."""
    document = read_document(path)
    try:
        net = from_dict(document)
    except ModelFileError as error:
        raise ModelFileError("%s: %s" % (path, error))
    return net, document.get("metadata") or {}


def _output_names(net, metadata):
    classes = metadata.get("classes")
    if isinstance(classes, list) and len(classes) == net.num_outputs:
        return [str(label) for label in classes]
    targets = metadata.get("target_columns")
    if isinstance(targets, list) and len(targets) == net.num_outputs:
        return [str(name) for name in targets]
    return ["output_%d" % (k + 1) for k in range(net.num_outputs)]


def _prediction_columns(net, metadata, header, width, name):
    names = metadata.get("input_columns")
    if header is not None and isinstance(names, list) and len(names) == net.num_inputs \
            and metadata.get("has_header"):
        missing = [column for column in names if column not in header]
        if not missing:
            return [header.index(column) for column in names]
        if width != net.num_inputs:
            raise CommandError("%s: no column%s %s (the model was trained on %s)"
                               % (name, "" if len(missing) == 1 else "s",
                                  ", ".join(repr(m) for m in missing), ", ".join(names)))
    if width == net.num_inputs:
        return list(range(width))
    indices = metadata.get("input_indices")
    if width == metadata.get("num_columns") and isinstance(indices, list) \
            and len(indices) == net.num_inputs:
        return indices
    raise CommandError("%s: expected %d input columns per row, got %d" % (name, net.num_inputs,
                                                                          width))


def command_predict(args, stdout, stderr):
    net, metadata = load_model(args.model)
    header, rows, name = read_csv(args.data)
    columns = _prediction_columns(net, metadata, header, len(rows[0][1]), name)
    names = _output_names(net, metadata)
    classes = isinstance(metadata.get("classes"), list) and \
        len(metadata["classes"]) == net.num_outputs
    writer = csv.writer(stdout, lineterminator="\n")
    writer.writerow(names + (["class"] if classes else []))
    for number, row in rows:
        outputs = net.feed_forward(_numbers(row, number, columns, header, name))
        line = [repr(value) for value in outputs]
        if classes:
            line.append(names[outputs.index(max(outputs))])
        writer.writerow(line)
    return 0


def command_info(args, stdout, stderr):
    net, metadata = load_model(args.model)
    sizes = net.layer_sizes
    weights = sum(len(n.weights) for layer in net.layers for n in layer.neurons)
    biases = sum(len(layer.neurons) for layer in net.layers)
    write = stdout.write
    write("%s: neuronsim network (format version 1)\n" % args.model)
    write("layers:     %s\n" % "-".join(str(size) for size in sizes))
    write("  inputs    %d\n" % sizes[0])
    for index, layer in enumerate(net.layers):
        role = "output" if index == len(net.layers) - 1 else "hidden"
        count = len(layer.neurons)
        write("  %-9s %d neuron%s, %s\n" % (role, count, "" if count == 1 else "s",
                                           layer.activation.name))
    write("parameters: %d (%d weights, %d biases)\n" % (weights + biases, weights, biases))
    write("cost:       %s\n" % net.cost.name)
    write("training:   learning rate %r, biases %s, seed %s\n"
          % (net.learning_rate, "trained" if net.train_biases else "fixed", net.seed))
    if metadata.get("input_columns"):
        write("inputs:     %s\n" % ", ".join(str(c) for c in metadata["input_columns"]))
    write("outputs:    %s\n" % ", ".join(_output_names(net, metadata)))
    training = metadata.get("training")
    if isinstance(training, dict):
        write("trained:    on %s, %s epochs, error %s, stopped by %s\n"
              % (metadata.get("data", "?"), training.get("epochs"),
                 training.get("training_error"), training.get("stop_reason")))
    return 0


def command_explain(args, stdout, stderr):
    net, metadata = load_model(args.model)
    if args.label is not None and args.svg is None:
        raise CommandError("--label: goes with --svg FILE.svg")
    if args.svg is not None:
        _check_out_directory(args.svg, "--svg")
    try:
        text = net.explain(args.inputs, args.targets)
        # explain leaves every neuron holding this sample's pass: the picture shows it.
        svg = None if args.svg is None else net.to_svg(label=args.label)
    except (TypeError, ValueError) as error:
        raise CommandError("%s: %s" % (args.model, error))
    stdout.write(text if text.endswith("\n") else text + "\n")
    if svg is not None:
        with open(args.svg, "w", encoding="utf-8") as handle:
            handle.write(svg)
        stderr.write("neuronsim: drew %s\n" % args.svg)
    return 0


def command_export(args, stdout, stderr):
    net, metadata = load_model(args.model)
    source = net.export_source()
    if args.out is None:
        stdout.write(source)
    else:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(source)
    return 0


def command_playground(args, stdout, stderr):
    from .playground import server
    if args.build is not None:
        try:
            server.build(args.build, stdout)
        except ValueError as error:
            raise CommandError(str(error))
        return 0
    if not 0 <= args.port <= 65535:
        raise CommandError("--port: expected a port from 0 to 65535, got %d" % args.port)
    return server.serve(args.port, not args.no_browser, stdout)


# -- main --------------------------------------------------------------------------------

def main(argv=None, stdout=None, stderr=None):
    """Run one command; return the exit status (0, 1 if training diverged, 2 for bad input)."""
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    try:
        args = build_parser().parse_args(argv)
        return args.run(args, stdout, stderr)
    except (CommandError, ModelFileError) as error:
        message = str(error)
    except OSError as error:
        if isinstance(error, BrokenPipeError):  # e.g. `neuronsim predict … | head`
            try:
                sys.stdout = open(os.devnull, "w")
            except OSError:
                pass
            return 0
        message = "%s: %s" % (error.filename, error.strerror) if error.filename \
            else str(error)
    except KeyboardInterrupt:
        stderr.write("\nneuronsim: interrupted\n")
        return 130
    stderr.write("neuronsim: error: %s\n" % " ".join(message.split()))
    return EXIT_BAD_INPUT
