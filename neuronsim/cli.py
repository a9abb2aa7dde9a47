"""The command line: ``python -m neuronsim train|predict|info|explain|export`` (or ``neuronsim …``).

    neuronsim train xor.csv --layers 2,4,1 --epochs 2000 --seed 1 --out xor.json
    neuronsim predict xor.json xor.csv          # CSV of outputs on stdout
    neuronsim info xor.json                     # architecture and counts
    neuronsim explain xor.json --inputs 1,0 --targets 1   # one step, number by number
    neuronsim export xor.json > xor_model.py    # standalone module, imports only math

A thin layer: CSV files are read by :mod:`neuronsim.data` (how headers,
columns and class labels are decided: docs/cli.md), training is
:mod:`neuronsim.defaults` (each training option is one of its choices) with
:mod:`neuronsim.progress` on stderr, models are read and described by
:mod:`neuronsim.saving`, files are written by :mod:`neuronsim.files`
(checked before any work, replaced atomically).  A bad file or argument
prints one line, ``neuronsim: error: …``, exits with status 2 and leaves
every file as it was; training that diverges, or a bug, exits with 1.  It
uses ``argparse`` and ``csv``: CPython and PyPy.
"""

import argparse
import math
import os
import sys

from . import __version__, defaults
from .activations import ACTIVATIONS as _ACTIVATION_REGISTRY
from .costs import COSTS
from .data import load_csv, load_inputs, output_names, predictions_csv, training_inputs
from .files import DestinationError, check_destination, write_file
from .optimizers import OPTIMIZERS
from .progress import Progress, summary
from .saving import ModelFileError, dumps, load_document, model_summary
from .validation import ArgumentError

EXIT_BAD_INPUT, EXIT_FAILED = 2, 1
# The choices come from the registries: a new activation, cost or optimizer is offered here.
HIDDEN_ACTIVATIONS = sorted(name for name, a in _ACTIVATION_REGISTRY.items() if a.elementwise)
#: How the library's messages (validation.ArgumentError, data.DataError) name the options here.
CLI_NAMES = {"header": "--header or --no-header", "is_header": "--header", "classes": "--classes",
             "sizes": "--layers",
             "delimiter": lambda d: "--delimiter " + ("tab" if d == "\t" else repr(d)),
             "inputs": "--input-columns", "targets": "--target-columns", "num_targets": "--layers",
             "activation": "--activation", "cost": "--cost", "momentum": "--momentum",
             "output": "--output-activation",
             "optimizer": lambda name: "--optimizer " + name}
TASKS = {None: None, "classification": True, "regression": False}


class CommandError(Exception):
    """A bad argument: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise CommandError("%s (see '%s --help')" % (message, self.prog))


def _checked(convert, wanted):
    """An argparse type: ``convert(text)``, or 'expected <wanted>, got <text>'."""
    def parse(text):
        try:
            value = convert(text)
        except (ValueError, OverflowError):
            value = None
        if value is None:
            raise argparse.ArgumentTypeError("expected %s, got %r" % (wanted, text))
        return value
    return parse


def _number(kind, low, high=math.inf, low_open=False):
    def convert(text):
        value = kind(text)
        return value if math.isfinite(value) and low <= value < high and \
            not (low_open and value == low) else None
    bound = "" if high == math.inf else " and < %g" % high
    return _checked(convert, "a whole number >= %d%s" % (low, bound) if kind is int else
                    "a number %s %g%s" % (">" if low_open else ">=", low, bound))


def _sizes(text):
    sizes = [int(part) for part in text.split(",")]
    return sizes if len(sizes) >= 3 and min(sizes) >= 1 else None


def _numbers(text):
    values = [float(part) for part in text.split(",")]
    return values if all(math.isfinite(v) for v in values) else None


def _activations(text):
    """'tanh' or 'tanh,relu': hidden activations from the registry, or None."""
    names = [name.strip() for name in text.split(",")]
    return names if all(name in HIDDEN_ACTIVATIONS for name in names) else None


def _delimiter(text):
    text = {"tab": "\t", "\\t": "\t"}.get(text, text)
    return text if len(text) == 1 and text not in "\r\n\"'" else None


HELP = {  # command: (summary, description, example)
    "train": ("train a network on a CSV file and save it as JSON",
              "Train a network on the rows of a CSV file and save it as a JSON model. Inputs are "
              "numbers; targets are numbers, or one column of class labels learned one-hot. What "
              "was read, and progress, go to stderr. How headers, columns and classes are "
              "decided: docs/cli.md. Every option has a default chosen from the data "
              "(docs/real-data.md): inputs (and numeric targets) scaled, the scaling saved in "
              "the model; one hidden layer; the output and cost from the targets; Adam; a tenth "
              "of the rows held out to stop early and keep the best epoch.",
              "train iris.csv --out iris.json"),
    "predict": ("run a model on the rows of a CSV file; CSV on stdout",
                "Run a saved model on every row of a CSV file; once every row has been read, "
                "write its outputs as CSV (a header naming them, and a 'class' column for class "
                "labels) to stdout or --out. If the model and the file both have column names, "
                "inputs are picked by name (missing ones are an error, extra ones ignored); "
                "otherwise a row holds just the inputs, or the training file's columns.",
                "predict iris.json iris.csv > out.csv"),
    "info": ("show a model's architecture and counts", "Print a saved model's layers, "
             "activations, cost, training options, parameter counts and columns.",
             "info iris.json"),
    "explain": ("write out one training step on one sample, number by number",
                "Print one step of gradient descent on one sample as the worked example does: "
                "every net input, output and error, the chain rule for every weight, every delta "
                "and updated weight (computed, not saved: the model file is not changed). For "
                "networks of up to 300 weights.",
                "explain xor.json --inputs 1,0 --targets 1 --svg xor.svg --label gradient"),
    "export": ("write a standalone Python module (imports only math), a C header or JavaScript",
               "Write the model with its weights inlined and a predict function: a Python "
               "module that imports nothing but math and returns exactly what neuronsim "
               "returns on CPython, PyPy and MicroPython (--to python, the default), one C99 "
               "header for microcontrollers (--to c: double, float or integer-only int16, "
               "its memory printed), or JavaScript (--to javascript). See docs/export.md.",
               "export iris.json --to c --type int16 --selftest 20 --out iris.h"),
}
# train's numbers are parsed here and checked by defaults.check_choices (one rule, one place).
WHOLE, NUMBER = _checked(int, "a whole number"), _checked(float, "a number")
TRAINING = [  # option, keywords: train's options after the data and column ones
    ("--epochs", dict(type=WHOLE, metavar="N",
                      help="passes over the data, at most (default %d, with early stopping)"
                      % defaults.MAX_EPOCHS)),
    ("--batch-size", dict(type=WHOLE, metavar="N",
                          help="samples per gradient step (default min(%d, rows); 1: online)"
                          % defaults.MAX_BATCH)),
    ("--optimizer", dict(choices=sorted(OPTIMIZERS), help="default %s" % defaults.OPTIMIZER)),
    ("--learning-rate", dict(type=NUMBER, metavar="η",
                             help="default %g with adam, %g with sgd"
                             % (defaults.LEARNING_RATE, defaults.SGD_LEARNING_RATE))),
    ("--patience", dict(type=WHOLE, metavar="N", help="stop when the validation "
                        "error (without validation: the training error) has not improved for "
                        "N epochs, and keep the best epoch (default %d)" % defaults.PATIENCE)),
    ("--min-delta", dict(type=NUMBER, metavar="D", help="an improvement smaller "
                         "than D does not count for --patience (default %g)" % defaults.MIN_DELTA)),
    ("--validation-split", dict(type=NUMBER, metavar="F", help="the fraction "
                                "of rows held out to watch (stratified for class labels; "
                                "default %g, or 0 below %d rows)"
                                % (defaults.VALIDATION_SPLIT, defaults.MIN_ROWS_FOR_VALIDATION))),
    ("--no-scale", dict(action="store_true", help="do not standardize the inputs (and numeric "
                        "targets); by default each is scaled to mean 0 and spread 1, and the "
                        "scaling is saved in the model")),
    ("--momentum", dict(type=NUMBER, default=0.0, metavar="μ",
                        help="with sgd (default 0)")),
    ("--l2", dict(type=NUMBER, default=0.0, metavar="λ",
                  help="L2 weight decay (default 0)")),
    ("--activation", dict(metavar="NAME[,NAME…]", type=_checked(
        _activations, "activation names (one for all hidden layers, or one per layer) among "
        + ", ".join(HIDDEN_ACTIVATIONS)),
        help="hidden layers' activation, or one per hidden layer like tanh,relu (default "
             "%s; one of %s)" % (defaults.HIDDEN_ACTIVATION, ", ".join(HIDDEN_ACTIVATIONS)))),
    ("--output-activation", dict(choices=sorted(_ACTIVATION_REGISTRY),
                                 help="default from the targets: softmax for class labels, "
                                      "sigmoid for one column of 0s and 1s, else linear")),
    ("--cost", dict(choices=sorted(COSTS), help="default: cross_entropy with softmax or "
                    "sigmoid, else squared_error")),
    ("--seed", dict(type=int, metavar="N", help="for initial weights and shuffling "
                    "(default: random, kept in the model)")),
    ("--error-threshold", dict(type=NUMBER, metavar="E",
                               help="stop once the mean training error is below E")),
    ("--max-seconds", dict(type=NUMBER, metavar="S", help="stop after S seconds")),
    ("--quiet", dict(action="store_true", help="nothing on stderr but errors")),
]


def build_parser():
    parser = _Parser(prog="neuronsim", description="Train, inspect, run and export neuronsim "
                     "networks from CSV files.", epilog="Each command has its own help: "
                     "neuronsim train --help.  Errors print one line and exit with status 2.")
    parser.add_argument("--version", action="version", version="neuronsim " + __version__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    def command(name, run, argument, metavar, text=None):
        summary, description, example = HELP[name]
        sub = commands.add_parser(name, help=summary, description=description,
                                  epilog="Example: neuronsim " + example)
        sub.set_defaults(run=run)
        sub.add_argument(argument, metavar=metavar, help=text)
        return sub

    train = command("train", command_train, "data", "DATA.csv", "one sample per row; '-': stdin")
    predict = command("predict", command_predict, "model", "MODEL.json")
    predict.add_argument("data", metavar="DATA.csv", help="'-' reads stdin")
    command("info", command_info, "model", "MODEL.json")
    explain = command("explain", command_explain, "model", "MODEL.json")
    export = command("export", command_export, "model", "MODEL.json")
    for sub in (train, predict):
        header = sub.add_mutually_exclusive_group()
        header.add_argument("--header", action="store_const", const=True, help="the first row "
                            "is a header (default: only if none of its cells is a number)")
        header.add_argument("--no-header", dest="header", action="store_const", const=False,
                            help="the first row is data")
        sub.add_argument("--delimiter", type=_checked(_delimiter, "one character or 'tab'"),
                         metavar="C", help="the character between cells (default ',')")
    for sub in (predict, export):
        sub.add_argument("--out", metavar="FILE", help="write here, atomically, not to stdout")
    export.add_argument("--to", choices=("python", "c", "javascript"), default="python",
                        help="target language (default python)")
    export.add_argument("--type", choices=("double", "float", "int16"), default="double",
                        help="--to c: number type (int16: integer-only, no FPU, no libm)")
    export.add_argument("--prefix", default="model", help="--to c: prefix of the C names; "
                        "--to javascript --form script: the global's name")
    export.add_argument("--selftest", type=_number(int, 0), default=0, metavar="N",
                        help="--to c: embed N golden input/output pairs and PREFIX_selftest()")
    export.add_argument("--data", metavar="DATA.csv", help="--to c: rows for the float/int16 "
                        "accuracy figures and the int16 formats (default: the model's training "
                        "file, if it lies next to the model)")
    export.add_argument("--form", choices=("module", "script"), default="module",
                        help="--to javascript: an ES module or a plain script")
    playground = commands.add_parser(
        "playground", help="learn backpropagation in the browser: a local page, offline",
        description="Serve the playground on 127.0.0.1 and open it in the browser: train small "
                    "networks on toy data or your CSV file, step the worked example sample by "
                    "sample, and inspect every partial and any weight's chain rule. The page "
                    "runs neuronsim itself (on MicroPython, in WebAssembly); nothing is "
                    "fetched from the internet. Ctrl+C stops the server.",
        epilog="Example: neuronsim playground --port 8765 --no-browser")
    playground.add_argument("--port", type=_number(int, 0, 65536), default=8765, metavar="N",
                            help="port on 127.0.0.1 (default 8765; 0 picks a free one)")
    playground.add_argument("--no-browser", action="store_true",
                            help="do not open a browser tab; just print the address")
    playground.add_argument("--build", metavar="DIR",
                            help="write the page as a static site into DIR instead of serving")
    playground.set_defaults(run=command_playground)
    train.add_argument("--layers", metavar="N,H,…,M", type=_checked(
        _sizes, "at least 3 widths >= 1 like 4,8,3 (inputs,hidden…,outputs)"),
        help="layer widths: inputs, hidden layer(s), outputs, e.g. 4,8,3 (default: the "
             "data's inputs and outputs, one hidden layer of 2·sqrt(inputs·outputs) "
             "neurons, %d to %d)" % (defaults.MIN_HIDDEN, defaults.MAX_HIDDEN))
    train.add_argument("--out", required=True, metavar="MODEL.json",
                       help="where to save the model (checked first, written atomically)")
    train.add_argument("--target-columns", metavar="COLS", help="comma-separated names or "
                       "0-based indices (default: the last column if it holds class labels, "
                       "else the last M)")
    train.add_argument("--input-columns", metavar="COLS", help="comma-separated names or "
                       "indices (default: every column that is not a target)")
    task = train.add_mutually_exclusive_group()
    task.add_argument("--classes", dest="task", action="store_const", const="classification",
                      help="the target column holds class labels, even if they are numbers")
    task.add_argument("--task", choices=["classification", "regression"], help="class labels "
                      "(as --classes) or numbers (default: class labels if they are words)")
    for option, keywords in TRAINING:
        train.add_argument(option, **keywords)
    numbers = _checked(_numbers, "finite numbers separated by commas, like 0.05,0.1")
    explain.add_argument("--inputs", required=True, type=numbers, metavar="X1,X2,…",
                         help="the sample's inputs")
    explain.add_argument("--targets", required=True, type=numbers, metavar="T1,…",
                         help="the sample's targets")
    explain.add_argument("--svg", metavar="FILE.svg", help="also draw the network after this "
                         "sample's forward and backward pass")
    explain.add_argument("--label", choices=("weight", "gradient"), help="with --svg: label "
                         "each connection with its weight w or its gradient ∂E/∂w")
    return parser


# -- the commands ----------------------------------------------------------------------

def _source(path):
    """A data argument: '-' is stdin."""
    return (sys.stdin, "stdin") if path == "-" else (path, path)


def _destination(path, option, inputs, stdout_ok=True):
    """Check an output file before any work; None means stdout."""
    if path is None or (path == "-" and stdout_ok):
        return None
    if path == "-":
        raise CommandError("%s: expected a file name, got '-' (this one is never stdout)" % option)
    check_destination(path, option, [name for name in inputs if name != "-"])
    return path


def _emit(text, path, option, inputs, stdout):
    """Write to stdout, or atomically to ``path`` (checked before the work began)."""
    if path is None:
        try:
            stdout.write(text)
            stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as error:   # e.g. > /dev/full
            raise OSError(error.errno, error.strerror, "stdout")
    else:
        write_file(path, text, option, [name for name in inputs if name != "-"])


def _as_option(message):
    """A library message that names one of train's options by its keyword
    (``validation_split: …``), naming the option (``--validation-split: …``)."""
    keyword, colon, rest = message.partition(":")
    option = "--" + keyword.replace("_", "-")
    return option + colon + rest if colon and option in dict(TRAINING) else message


def command_train(args, stdout, stderr):
    from .training import TrainingDiverged

    out, sizes = _destination(args.out, "--out", [args.data], stdout_ok=False), args.layers
    try:   # before the file is read
        choices = defaults.check_choices(
            hidden=sizes and sizes[1:-1], activation=args.activation,
            output=args.output_activation, cost=args.cost, optimizer=args.optimizer,
            learning_rate=args.learning_rate, momentum=args.momentum, l2=args.l2,
            batch_size=args.batch_size, epochs=args.epochs, patience=args.patience,
            min_delta=args.min_delta, validation_split=args.validation_split,
            scale=not args.no_scale, error_threshold=args.error_threshold,
            max_seconds=args.max_seconds)
    except ArgumentError:
        raise
    except (TypeError, ValueError) as error:
        raise CommandError(_as_option(str(error)))
    source, name = _source(args.data)
    data = load_csv(source, args.input_columns, args.target_columns, args.header,
                    args.delimiter, TASKS[args.task], sizes[-1] if sizes else 1, name)
    data.check_trainable(sizes)
    plan = defaults.choose(data.samples, **choices)
    if not args.quiet:   # said when training begins: a refusal before that is one line
        stderr.announce(data.summary(CLI_NAMES))
    try:
        with stderr.showing_warnings():   # fit's warnings: one line each
            net, history = defaults.train(
                data.samples, seed=args.seed, classes=data.classes, plan=plan,
                callback=None if args.quiet else stderr.callback(plan["fit"]["epochs"]))
    except TrainingDiverged as error:
        stderr.say("error: %s" % error)
        return EXIT_FAILED
    except (TypeError, ValueError) as error:   # fit checks the samples before any step
        raise CommandError(_as_option(data.locate(str(error))))
    metadata = dict(data.metadata(), command="train", training=defaults.record(plan, history))
    _emit(dumps(net, metadata), out, "--out", [args.data], stdout)
    if not args.quiet:
        stderr.say("%s; saved %s" % (summary(history), out))
    return 0


def command_predict(args, stdout, stderr):
    out = _destination(args.out, "--out", [args.model, args.data])
    net, document = load_document(args.model)
    metadata = document.get("metadata") or {}
    source, name = _source(args.data)
    data = load_inputs(source, net.num_inputs, metadata, args.header, args.delimiter, name)
    outputs = [net.feed_forward(inputs) for inputs in data.inputs]  # every row read first
    _emit(predictions_csv(outputs, output_names(metadata, net.num_outputs), "classes" in metadata),
          out, "--out", [args.model, args.data], stdout)
    return 0


def command_info(args, stdout, stderr):
    net, document = load_document(args.model)
    stdout.write(model_summary(net, document.get("metadata"), args.model, document["version"])
                 + "\n")
    return 0


def command_explain(args, stdout, stderr):
    if args.label is not None and args.svg is None:
        raise CommandError("--label: goes with --svg FILE.svg")
    svg_path = _destination(args.svg, "--svg", [args.model], stdout_ok=False)
    net, _ = load_document(args.model)
    try:
        text = net.explain(args.inputs, args.targets)
        # explain leaves every neuron holding this sample's pass: the picture shows it.
        svg = None if svg_path is None else net.to_svg(label=args.label)
    except (TypeError, ValueError) as error:
        raise CommandError("%s: %s" % (args.model, error))
    stdout.write(text if text.endswith("\n") else text + "\n")
    if svg is not None:
        _emit(svg, svg_path, "--svg", [args.model], stdout)
        stderr.say("drew %s" % svg_path)
    return 0


def command_export(args, stdout, stderr):
    out = _destination(args.out, "--out", [args.model] + ([args.data] if args.data else []))
    net, document = load_document(args.model)
    if args.to == "c":
        from .export import c
        try:   # the rows to measure it on: --data, or the training file next to the model
            result = c.build(net, type=args.type, prefix=args.prefix, selftest=args.selftest,
                             data=training_inputs(args.model, net.num_inputs,
                                                  document.get("metadata"), *_source(args.data)))
        except ValueError as error:
            raise CommandError(str(error))
        source = result.text
        for line in result.summary(args.out or "the header on stdout"):
            stderr.say(line)
    elif args.to == "javascript":
        try:
            source = net.export("javascript", form=args.form, name=args.prefix)
        except ValueError as error:
            raise CommandError(str(error))
    else:
        source = net.export_source()
    _emit(source, out, "--out", [args.model], stdout)
    return 0


def command_playground(args, stdout, stderr):
    from .playground import server
    if args.build is not None:
        try:
            server.build(args.build, stdout)
        except ValueError as error:
            raise CommandError(str(error))
        return 0
    return server.serve(args.port, not args.no_browser, stdout)


def _drop_stdout():
    """Nothing more to stdout, not even the interpreter's last flush of what failed."""
    try:
        sys.stdout = open(os.devnull, "w")
    except OSError:
        pass


def main(argv=None, stdout=None, stderr=None):
    """Run one command; return its exit status (0; 2 for bad input; 1 if training
    diverged or for a bug, reported in one line with a request to report it)."""
    stdout, stderr = stdout or sys.stdout, Progress(stderr or sys.stderr, "neuronsim: ")
    try:
        args = build_parser().parse_args(argv)
        return args.run(args, stdout, stderr)
    except ArgumentError as error:   # data.DataError too
        message = error.text(CLI_NAMES)
    except (CommandError, ModelFileError, DestinationError) as error:
        message = str(error)
    except BrokenPipeError:  # e.g. `neuronsim predict … | head`: the reader has had enough
        _drop_stdout()
        return 0
    except OSError as error:
        if error.filename == "stdout":
            _drop_stdout()
        message = "%s: %s" % (error.filename, error.strerror) if error.filename else str(error)
    except KeyboardInterrupt:
        stderr.write("\nneuronsim: interrupted\n")
        return 130
    except MemoryError:   # e.g. --layers 2,300000000,1: not a bug, too big for this machine
        stderr.error("out of memory: the network or the data is too large for this machine")
        return EXIT_FAILED
    except Exception as error:  # the last resort: a bug, still one line
        stderr.say("internal error: %s: %s (this is a bug in neuronsim %s: please report it, "
                   "with the command that caused it)"
                   % (type(error).__name__, " ".join(str(error).split()), __version__))
        return EXIT_FAILED
    stderr.error(" ".join(message.split()))
    return EXIT_BAD_INPUT
