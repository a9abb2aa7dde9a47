"""CSV data in, predictions out: files read by rules, never by guesses.

The command line's data layer, as a library::

    >>> import io
    >>> data = load_csv(io.StringIO("x1,x2,xor\\n0,0,0\\n0,1,1\\n1,0,1\\n1,1,0\\n"), name="xor.csv")
    >>> data
    <Dataset xor.csv: 4 samples; inputs x1, x2; target xor>
    >>> data.samples[1]
    ([0.0, 1.0], [1.0])
    >>> flowers = load_csv(io.StringIO("5.1,1.4,setosa\\n6.4,4.5,versicolor\\n"), header=False)
    >>> flowers.classes, flowers.samples[1]
    (['setosa', 'versicolor'], ([6.4, 4.5], [0.0, 1.0]))

How a file is read (``neuronsim train`` and ``predict`` follow the same rules):

* **Text**: UTF-8; a byte-order mark is skipped (files, stdin, streams).
  Cells are trimmed of spaces; blank lines are skipped; every row must have
  as many cells as the first.  Quoting errors are errors (``csv``'s strict
  mode).  ``delimiter`` is ``","`` unless given; a file read as one column
  with ``;``, a tab or ``|`` in it is an error that suggests the delimiter.
* **Header**: ``header=True`` or ``False`` says whether the first row is a
  header.  Left to the file (``None``), the first row is a header only if
  none of its cells reads as a number, and data if all of them do; a first
  row mixing the two (``0,O,0``, or a header like ``id,2019,2020``) is an
  error naming the row.  A header of numbers (``1990,2000,2010``) is data
  unless ``header=True``.  Column names must differ.
* **Numbers**: every input cell and every numeric target must be a finite
  number (what ``float()`` reads); ``nan``, ``inf``, ``1e999``, an empty cell
  or a typo is an error naming the file, line and column, in every row.
* **Columns**: ``targets`` and ``inputs`` name columns by header name or
  0-based index (a list of names (str) and indices (int), or one string
  ``"x1,x2"`` whose parts are names, or indices if no column has that name;
  a part that is the name of one column and the index of another is an
  error).  By default the target is the last column (the last
  ``num_targets`` columns when they hold numbers) and the inputs are all
  the others.
* **Class labels**: a target column of words (``setosa``, ``virginica``) holds
  class labels, learned one-hot, one output per label in sorted order
  (numeric labels in numeric order).  ``classes=True`` makes a column of
  numbers (``0``, ``1``, ``2``) class labels too; ``classes=False`` demands
  numbers; a list of labels fixes them and their order.  Left to the file, a
  column mixing numbers and words is an error naming the odd cell.

Errors are :class:`DataError` (a ``ValueError``) naming the file, line and
column; a file that cannot be opened raises the usual ``OSError``.
:meth:`Dataset.check_trainable` refuses what no network can be trained on.

``predict``'s side: :func:`load_inputs` picks a model's input columns out of
a file (by name when both the model and the file have them, by position
otherwise, strictly), :func:`output_names` names its outputs, and
:func:`predictions_csv` / :func:`write_predictions` write them;
:func:`training_inputs` finds the rows a model was trained on, to measure
an export on them.

This module uses ``csv`` and ``io``: CPython and PyPy.  (The networks it
feeds run anywhere.)
"""

import csv
import io
import math
import os

from .files import write_file
from .saving import output_names  # noqa: F401  (part of this module's interface)
from .validation import ArgumentError

#: How messages name the arguments a user can change; the command line has its own.
PYTHON_NAMES = {
    "header": "header=True or header=False",
    "is_header": "header=True",
    "delimiter": lambda d: "delimiter=%r" % d,
    "classes": "classes=True",
    "inputs": "inputs",
    "targets": "targets",
    "num_targets": "num_targets",
    "sizes": "sizes",
}

_SEPARATORS = ((";", "semicolons"), ("\t", "tabs"), ("|", "bars"))


class DataError(ArgumentError):
    """A CSV file that cannot be read as asked.  The message names the file,
    line and column, and what to change; :meth:`text` spells the arguments
    the way the caller knows them (``--header`` on the command line)."""

    names = PYTHON_NAMES


# -- reading -----------------------------------------------------------------------

def _read_text(source, name):
    """The text of a path or a file object (bytes decoded as UTF-8), BOM removed."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        with open(path, "rb") as handle:
            data = handle.read()
        name = path if name is None else name
    elif hasattr(source, "read"):
        data = getattr(source, "buffer", source).read()   # stdin: its bytes, not the locale's
        name = getattr(source, "name", "<stream>") if name is None else name
    else:
        raise TypeError("source: expected a file name, a path or a file object, got %r (%s)"
                        % (source, type(source).__name__))
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise DataError("%s, line %d: not UTF-8 text (byte 0x%02x): save it as UTF-8"
                            % (name, data[:error.start].count(b"\n") + 1, data[error.start]))
    if data.startswith("\ufeff"):
        data = data[1:]
    return data, str(name)


def _parses(cell):
    """True if float() reads the cell (finite or not)."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _shown(cells, most=6):
    text = ", ".join(repr(cell) for cell in cells[:most])
    return text + (", …" if len(cells) > most else "")


class Table:
    """The rows of a CSV file: ``name``, ``header`` (a list, or None), ``rows``
    (``(line number, cells)`` pairs, header excluded) and ``width``."""

    def __init__(self, name, header, rows):
        self.name, self.header, self.rows = name, header, rows
        self.width = len(header if header is not None else rows[0][1])

    def column(self, index):
        """A column as messages name it: ``'x2'`` with a header, ``2`` without."""
        return repr(self.header[index]) if self.header is not None else "%d" % index

    def names(self, indices):
        return [self.header[i] if self.header is not None else "%d" % i for i in indices]

    def numbers(self, line, cells, indices):
        """The cells at ``indices`` as floats, or a DataError naming the bad one."""
        try:
            values = [float(cells[i]) for i in indices]
            total = sum(values)
            if total - total == 0.0:          # all finite (inf - inf and nan - nan are nan)
                return values
        except ValueError:
            pass
        for i in indices:
            cell = cells[i]
            if not (_parses(cell) and math.isfinite(float(cell))):
                hint = [c for c in (";", "\t", "|", " ") if c in cell]
                raise DataError("%s, line %d, column %s: expected a finite number, got %s%s"
                                % (self.name, line, self.column(i),
                                   repr(cell) if cell else "an empty cell",
                                   " (several values in one cell? separated by %r?)" % hint[0]
                                   if hint else ""))
        return values                          # finite, only their sum overflowed


def read_table(source, header=None, delimiter=None, name=None):
    """A :class:`Table` from a CSV file (see the module's rules for headers)."""
    if header not in (None, True, False):
        raise TypeError("header: expected True, False or None, got %r" % (header,))
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1
                                  or delimiter in "\r\n\"'"):
        raise ValueError("delimiter: expected one character (not a quote or a line break), "
                         "got %r" % (delimiter,))
    text, name = _read_text(source, name)
    if "\0" in text:   # csv refuses it on some interpreters and not others: refuse it here
        raise DataError("%s, line %d: a NUL character: this is not a text CSV file"
                        % (name, text.count("\n", 0, text.index("\0")) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or ",", strict=True)
    rows, start = [], 1
    try:
        for cells in reader:
            if len(cells) > 1 or (cells and cells[0].strip()):
                rows.append((start, [cell.strip() for cell in cells]))
            start = reader.line_num + 1
    except csv.Error as error:
        reason = str(error)
        if reason.startswith("line %d: " % reader.line_num):   # PyPy's csv says where too
            reason = reason[len("line %d: " % reader.line_num):]
        raise DataError("%s, line %d: not readable as CSV: %s" % (name, reader.line_num, reason))
    if not rows:
        raise DataError("%s: no rows: the file is empty" % name)
    line, first = rows[0]
    if delimiter is None and len(first) == 1:
        for separator, word in _SEPARATORS:
            if separator in first[0]:
                raise DataError("%s, line %d: one column, with %s in it: if the file is "
                                "separated by %s, say so with " % (name, line, repr(separator)
                                                                   if separator != "\t" else
                                                                   "tabs", word),
                                ("delimiter", separator))
    if header is None:
        numbers = [_parses(cell) for cell in first]
        if any(numbers) and not all(numbers):
            looks = ""
            if len(rows) > 1 and [_parses(c) for c in rows[1][1]] == numbers:
                looks = " (line %d has numbers in the same places: data?)" % rows[1][0]
            raise DataError("%s, line %d: is it a header or data? It mixes numbers and words "
                            "(%s)%s; say which with " % (name, line, _shown(first), looks),
                            ("header",))
        header = not any(numbers)
    names = None
    if header:
        names, rows = first, rows[1:]
        if not rows:
            raise DataError("%s: a header (line %d) but no data rows" % (name, line))
        for index, column in enumerate(names):
            if column in names[:index]:
                raise DataError("%s, line %d: two columns are named %r (columns %d and %d); "
                                "column names must differ" % (name, line, column,
                                                             names.index(column), index))
    width = len(first)
    for number, cells in rows:
        if len(cells) != width:
            raise DataError("%s, line %d: expected %d cells like line %d, got %d"
                            % (name, number, width, line, len(cells)))
    return Table(name, names, rows)


def _columns(spec, table, key):
    """Column indices from a spec: a "name,name" string or a list of names and indices."""
    textual = isinstance(spec, str)
    if textual:
        items = [part.strip() for part in spec.split(",")]
        if not all(items):
            raise DataError((key,), ": expected column names or 0-based indices separated by "
                            "commas, got %r" % spec)
    elif isinstance(spec, (list, tuple)) and spec:
        items = list(spec)
    else:
        raise TypeError("%s: expected column names or indices (a str, or a non-empty list of "
                        "str and int), got %r" % (key, spec))
    header, width, found = table.header, table.width, []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (str, int)):
            raise TypeError("%s: expected column names (str) or 0-based indices (int), got %r"
                            % (key, item))
        by_name = header.index(item) if header is not None and item in header else None
        by_index = item if isinstance(item, int) else None
        if textual:
            try:
                by_index = int(item)
            except ValueError:
                pass
        if by_index is not None and not -width <= by_index < width:
            if by_name is None:
                raise DataError((key,), ": column %d is out of range: %s has %d columns "
                                "(0 to %d)" % (by_index, table.name, width, width - 1))
            by_index = None
        if by_index is not None:
            by_index %= width
        if by_name is not None and by_index is not None and by_name != by_index:
            raise DataError((key,), ": %r is ambiguous in %s: the name of column %d and the "
                            "index of column %d" % (item, table.name, by_name, by_index))
        if by_name is None and by_index is None:
            raise DataError((key,), ": no column %r in %s (%s)" % (
                item, table.name, "its columns: %s" % ", ".join(header) if header is not None
                else "it has no header: use 0-based indices, 0 to %d" % (width - 1)))
        index = by_name if by_name is not None else by_index
        if index in found:
            raise DataError((key,), ": column %s is given twice" % table.column(index))
        found.append(index)
    return found


def _column_kind(table, index):
    """'numbers' or 'labels' for a column; a DataError if it mixes the two."""
    number = word = None
    counts = [0, 0]
    for line, cells in table.rows:
        cell = cells[index]
        if cell == "":
            continue
        if _parses(cell):
            counts[0] += 1
            number = number or (line, cell)
        else:
            counts[1] += 1
            word = word or (line, cell)
    if number and word:
        if counts[1] <= counts[0]:
            raise DataError("%s, line %d, column %s: expected a finite number, got %r (other "
                            "rows hold numbers, like %r on line %d); if the column holds class "
                            "labels, say so with " % (table.name, word[0], table.column(index),
                                                      word[1], number[1], number[0]),
                            ("classes",))
        raise DataError("%s, line %d, column %s: %r is a number in a column of words (class "
                        "labels, like %r on line %d); if every cell is a class label, say so "
                        "with " % (table.name, number[0], table.column(index), number[1],
                                   word[1], word[0]), ("classes",))
    return "labels" if word else "numbers"


def sorted_labels(labels):
    """Class labels in the order of their outputs: numeric order if all are
    finite numbers, else string order.

    >>> sorted_labels(["10", "2", "1"]), sorted_labels(["b", "a", "10"])
    (['1', '2', '10'], ['10', 'a', 'b'])
    """
    labels = sorted(set(labels))
    if all(_parses(label) and math.isfinite(float(label)) for label in labels):
        labels.sort(key=float)
    return labels


def _class_labels(table, index, classes):
    """The sorted labels of a column (or the given list), checked row by row."""
    seen = {}
    for line, cells in table.rows:
        label = cells[index]
        if label == "":
            raise DataError("%s, line %d, column %s: an empty class label"
                            % (table.name, line, table.column(index)))
        seen.setdefault(label, line)
    if isinstance(classes, list):
        for label, line in sorted(seen.items(), key=lambda item: item[1]):
            if label not in classes:
                raise DataError("%s, line %d, column %s: %r is not one of the classes given (%s)"
                                % (table.name, line, table.column(index), label,
                                   ", ".join(classes)))
        return list(classes)
    labels = sorted_labels(seen)
    if all(_parses(label) and math.isfinite(float(label)) for label in labels):
        for before, after in zip(labels, labels[1:]):   # numbers, in numeric order
            if float(before) == float(after):
                raise DataError("%s, column %s: the class labels %r (line %d) and %r (line %d) "
                                "are the same number written two ways; write them alike"
                                % (table.name, table.column(index), before, seen[before],
                                   after, seen[after]))
    return labels


class Dataset:
    """Samples with what is known about them.

    ``samples`` are ``(inputs, targets)`` pairs of float lists (targets one-hot
    when ``classes`` is a list of labels); ``input_names`` and
    ``target_names`` name the columns (``"0"``, ``"1"``, … without a header);
    ``input_indices``, ``target_indices``, ``num_columns``, ``has_header`` and
    ``name`` say where they came from, ``lines`` the line of each sample.
    """

    def __init__(self, samples, input_names, target_names, classes=None, name=None,
                 has_header=True, input_indices=None, target_indices=None, num_columns=None,
                 lines=None):
        self.samples, self.classes, self.name = samples, classes, name
        self.input_names, self.target_names = list(input_names), list(target_names)
        self.has_header, self.num_columns, self.lines = has_header, num_columns, lines
        self.input_indices, self.target_indices = input_indices, target_indices
        self.header_given = False   # load_csv: True when the caller said header or not

    @property
    def inputs(self):
        return [inputs for inputs, _ in self.samples]

    @property
    def num_inputs(self):
        return len(self.input_names)

    @property
    def num_outputs(self):
        return len(self.classes) if self.classes is not None else len(self.target_names)

    def __len__(self):
        return len(self.samples)

    def __repr__(self):
        targets = ", ".join(self.target_names)
        return "<Dataset%s: %d sample%s; inputs %s; target%s %s%s>" % (
            " " + self.name if self.name else "", len(self.samples),
            "" if len(self.samples) == 1 else "s", ", ".join(self.input_names),
            "" if len(self.target_names) == 1 else "s", targets,
            " (classes %s)" % ", ".join(self.classes) if self.classes else "")

    def check_sizes(self, num_inputs, num_outputs):
        """A DataError unless a network with these sizes fits the samples."""
        if self.num_inputs != num_inputs:
            raise DataError(("sizes",), ": %d input%s, but %s has %d input column%s (%s)" % (
                num_inputs, "" if num_inputs == 1 else "s", self.name, self.num_inputs,
                "" if self.num_inputs == 1 else "s", ", ".join(self.input_names)))
        if self.num_outputs != num_outputs:
            raise DataError(("sizes",), ": %d output%s, but %s" % (
                num_outputs, "" if num_outputs == 1 else "s",
                "column %s holds %d class labels (%s)" % (
                    self.target_names[0], len(self.classes), ", ".join(self.classes))
                if self.classes is not None else "%d target column%s (%s)" % (
                    self.num_outputs, "" if self.num_outputs == 1 else "s",
                    ", ".join(self.target_names))))

    def check_trainable(self, sizes=None):
        """A DataError unless a network can be trained on the samples: class
        labels must be two at least (one leaves nothing to tell apart), and
        ``sizes`` (layer widths, inputs first), if given, must fit them."""
        if self.classes is not None and len(self.classes) < 2:
            raise DataError("%s: every row has the class label %r: there is nothing to tell "
                            "apart; training needs at least two classes"
                            % (self.name, self.classes[0]))
        if sizes is not None:
            self.check_sizes(sizes[0], sizes[-1])

    def locate(self, message, name="training_data"):
        """``message`` (from :meth:`NeuralNetwork.fit`, given these samples
        as ``name``) with a sample's index told as the file's line and column.

        >>> data = load_csv(io.StringIO("x1,x2,y\\n0,0,5\\n0,1,7\\n"), name="num.csv")
        >>> data.locate("training_data[1].targets[0]: cross_entropy needs targets in [0, 1]")
        "num.csv, line 3, column 'y': cross_entropy needs targets in [0, 1]"
        """
        where, colon, rest = message.partition(": ")
        if not colon or not where.startswith(name + "[") or self.lines is None:
            return message
        index, _, part = where[len(name) + 1:].partition("]")
        try:
            text = "%s, line %d" % (self.name, self.lines[int(index)])
        except (ValueError, IndexError):
            return message
        for kind, names in ((".inputs[", self.input_names), (".targets[", self.target_names)):
            if part.startswith(kind) and part.endswith("]") and self.classes is None:
                column = part[len(kind):-1]
                if column.isdigit() and int(column) < len(names):
                    text += ", column %r" % names[int(column)]
        return text + colon + rest

    def summary(self, names=None):
        """One line on what was read and decided (``names`` spells the arguments).

        >>> years = load_csv(io.StringIO("1990,2000,2010\\n1,2,3\\n"), name="years.csv")
        >>> print(years.summary())  # doctest: +NORMALIZE_WHITESPACE
        read 2 rows of years.csv (no header: its first row is numbers; header=True if it is
        one); inputs 0, 1; target 2
        """
        if self.header_given:
            header = "no header, as asked"
        else:
            header = DataError("no header: its first row is numbers; ", ("is_header",),
                               " if it is one").text(names)
        return "read %d row%s of %s (%s); inputs %s; target%s %s%s" % (
            len(self.samples), "" if len(self.samples) == 1 else "s", self.name,
            "header on line 1" if self.has_header else header,
            ", ".join(self.input_names), "" if len(self.target_names) == 1 else "s",
            ", ".join(self.target_names),
            "; class labels %s" % ", ".join(self.classes) if self.classes else "")

    def metadata(self):
        """What a model file keeps about its training data (neuronsim.saving checks it)."""
        metadata = {"num_columns": self.num_columns, "input_columns": self.input_names,
                    "input_indices": self.input_indices, "target_columns": self.target_names,
                    "target_indices": self.target_indices, "has_header": self.has_header}
        if self.name:
            metadata["data"] = os.path.basename(self.name)
        if self.classes is not None:
            metadata["classes"] = list(self.classes)
        return {key: value for key, value in metadata.items() if value is not None}

    def to_csv(self, delimiter=","):
        """The samples as CSV text with a header: numbers exact (``repr``), one label
        column for classes.  :func:`load_csv` with ``header=True``,
        ``targets=target_names`` and ``classes=classes`` reads back the same samples."""
        names = self.input_names + self.target_names
        for index, label in enumerate(names + list(self.classes or [])):
            if not isinstance(label, str) or label != label.strip() or not label:
                raise ValueError("%s: %r would not read back the same (empty, or spaces at an "
                                 "end)" % ("classes" if index >= len(names) else "names", label))
            if label in names[:index] and index < len(names):
                raise ValueError("names: %r appears twice" % label)
        rows = []
        for number, (inputs, targets) in enumerate(self.samples):
            row = [repr(float(x)) for x in inputs]
            if self.classes is None:
                row += [repr(float(t)) for t in targets]
            else:
                hot = [k for k, t in enumerate(targets) if t == 1.0]
                if len(hot) != 1 or sum(targets) != 1.0:
                    raise ValueError("samples[%d].targets: expected one-hot targets for the "
                                     "classes, got %r" % (number, targets))
                row.append(self.classes[hot[0]])
            rows.append(row)
        return _csv_text([names] + rows, delimiter)

    def save(self, path):
        """Write :meth:`to_csv` to ``path`` atomically (neuronsim.files)."""
        write_file(path, self.to_csv())


def _csv_text(rows, delimiter=","):
    """Rows as CSV text, "\\n" after each; a row with a "\\r" in a cell is quoted throughout
    (csv quotes only what is in its line terminator)."""
    out = io.StringIO()
    minimal = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    every = csv.writer(out, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        (every if any("\r" in cell for cell in row) else minimal).writerow(row)
    return out.getvalue()


def _check_choice(value, name, allowed):
    if not any(value is choice for choice in allowed) and not (
            isinstance(value, list) and list in allowed):
        raise TypeError("%s: expected %s, got %r" % (name, " or ".join(
            "a list of labels" if choice is list else repr(choice) for choice in allowed), value))


def load_csv(source, inputs=None, targets=None, header=None, delimiter=None, classes=None,
             num_targets=1, name=None):
    """A :class:`Dataset` from a CSV file, by the rules in the module's docstring.

    ``source`` is a path or a file object; ``name`` names it in messages
    (default: the path, or the stream's name).
    """
    _check_choice(classes, "classes", (None, True, False, list))
    if isinstance(classes, list) and (len(set(classes)) != len(classes) or not classes or not all(
            isinstance(label, str) and label for label in classes)):
        raise ValueError("classes: expected distinct non-empty strings, got %r" % (classes,))
    if isinstance(num_targets, bool) or not isinstance(num_targets, int) or num_targets < 1:
        raise TypeError("num_targets: expected a whole number >= 1, got %r" % (num_targets,))
    table = read_table(source, header, delimiter, name)
    width, last = table.width, table.width - 1
    if width < 2:
        spaced = " " in (table.header or table.rows[0][1])[0]
        raise DataError("%s: one column; a sample needs an input column and a target column%s"
                        % (table.name, "; if the file is separated by spaces, say so with "
                           if spaced else ""), ("delimiter", " ") if spaced else "")
    chosen_inputs = None if inputs is None else _columns(inputs, table, "inputs")
    if targets is not None:
        chosen = _columns(targets, table, "targets")
    elif classes is not None and classes is not False or \
            (classes is None and _column_kind(table, last) == "labels"):
        chosen = [last]
    elif num_targets >= width:
        raise DataError(("num_targets",), ": %d target columns would leave no input column in "
                        "%s (%d columns); if column %s holds class labels, say so with "
                        % (num_targets, table.name, width, table.column(last)), ("classes",))
    else:
        chosen = list(range(width - num_targets, width))
    if chosen_inputs is None:
        chosen_inputs = [index for index in range(width) if index not in chosen]
    for index in chosen_inputs:
        if index in chosen:
            raise DataError(("inputs",), ": column %s is also a target column"
                            % table.column(index))
    if not chosen_inputs:
        raise DataError(("targets",), ": every column of %s is a target; no inputs are left"
                        % table.name)
    if classes is None:
        kinds = [_column_kind(table, index) for index in chosen]
        labelled = "labels" in kinds
    else:
        labelled = classes is not False
    if labelled and len(chosen) != 1:
        raise DataError(("targets",), ": class labels come from one target column, got %d (%s)"
                        % (len(chosen), ", ".join(table.column(i) for i in chosen)))
    labels = _class_labels(table, chosen[0], classes) if labelled else None
    hot = {label: [1.0 if k == position else 0.0 for k in range(len(labels))]
           for position, label in enumerate(labels)} if labelled else None
    samples = []
    for line, cells in table.rows:
        values = table.numbers(line, cells, chosen_inputs)
        wanted = hot[cells[chosen[0]]][:] if labelled else table.numbers(line, cells, chosen)
        samples.append((values, wanted))
    data = Dataset(samples, table.names(chosen_inputs), table.names(chosen), labels, table.name,
                   table.header is not None, chosen_inputs, chosen, width,
                   [line for line, _ in table.rows])
    data.header_given = header is not None   # said by the caller, not decided by the rule
    return data


# -- predicting ------------------------------------------------------------------------

def load_inputs(source, num_inputs, metadata=None, header=None, delimiter=None, name=None):
    """The input vectors of every row of a CSV file, for a model with ``num_inputs`` inputs.

    ``metadata`` is what the model file keeps about its training data
    (:meth:`Dataset.metadata`, as the loader checked it).  When the model has
    column names and the file has a header, the inputs are picked by name,
    strictly: a missing name is an error, extra columns are ignored.
    Otherwise columns go by position: the file must have exactly the
    model's inputs, or as many columns as its training file had (inputs and
    targets, where ``input_indices`` says which are inputs).  Returns a
    :class:`Dataset` whose targets are empty.
    """
    if isinstance(num_inputs, bool) or not isinstance(num_inputs, int) or num_inputs < 1:
        raise TypeError("num_inputs: expected a whole number >= 1, got %r" % (num_inputs,))
    if metadata is not None and not isinstance(metadata, dict):
        raise TypeError("metadata: expected a dict or None, got %r" % (metadata,))
    metadata = metadata or {}
    names = metadata.get("input_columns") if metadata.get("has_header") else None
    table = read_table(source, header, delimiter, name)
    if header is None and table.header is None and names and \
            all(column in table.rows[0][1] for column in names):
        raise DataError("%s, line %d: the model's input names (%s) are there, but read as "
                        "numbers: is it a header? Say which with "
                        % (table.name, table.rows[0][0], ", ".join(names)), ("header",))
    if table.header is not None and names:
        missing = [column for column in names if column not in table.header]
        if missing:
            near = {column: [h for h in table.header if h.strip().lower() == column.lower()]
                    for column in missing}
            raise DataError("%s: no column%s %s; the model's inputs are %s, this file's columns "
                            "%s" % (table.name, "" if len(missing) == 1 else "s", ", ".join(
                                "%r%s" % (m, " (the file has %r)" % near[m][0] if near[m] else "")
                                for m in missing), ", ".join(names), ", ".join(table.header)))
        indices = [table.header.index(column) for column in names]
    elif table.width == num_inputs:
        indices = list(range(num_inputs))
    elif table.width == metadata.get("num_columns") and metadata.get("input_indices"):
        indices = list(metadata["input_indices"])
    else:
        training = metadata.get("num_columns")
        raise DataError("%s: expected %d columns (the model's inputs)%s, got %d; columns go by "
                        "position because %s" % (
                            table.name, num_inputs,
                            " or %d (as in its training file)" % training if training else "",
                            table.width, "the file has no header" if table.header is None
                            else "the model has no column names"))
    samples = [(table.numbers(line, cells, indices), []) for line, cells in table.rows]
    return Dataset(samples, table.names(indices), [], None, table.name, table.header is not None,
                   indices, [], table.width, [line for line, _ in table.rows])


def training_inputs(model_path, num_inputs, metadata=None, source=None, name=None):
    """Input rows to measure an export on (``neuronsim export --to c``), or None.

    The rows of ``source`` (a CSV path or file object), or without it those
    of the file the model was trained on (``metadata["data"]``, as
    :meth:`Dataset.metadata` keeps it) when that file lies next to the model
    file ``model_path``; None when there is neither.  The rows are read as
    :func:`load_inputs` reads them.
    """
    if source is None:
        data = (metadata or {}).get("data")
        if not isinstance(data, str):
            return None
        source = os.path.join(os.path.dirname(os.path.abspath(model_path)), data)
        if not os.path.isfile(source):
            return None
    return load_inputs(source, num_inputs, metadata, name=name).inputs


def predictions_csv(outputs, names, classes=False):
    """CSV text: a header of ``names``, then one row of outputs (exact, ``repr``) per
    input; with ``classes``, a last column naming the output that is largest.

    >>> print(predictions_csv([[0.25, 0.75]], ["cat", "dog"], classes=True), end="")
    cat,dog,class
    0.25,0.75,dog
    """
    last = "class"
    while classes and last in names:
        last = "predicted_" + last
    rows = [list(names) + ([last] if classes else [])]
    for values in outputs:
        row = [repr(value) for value in values]
        if classes:
            row.append(names[values.index(max(values))])
        rows.append(row)
    return _csv_text(rows)


def write_predictions(path, outputs, names, classes=False, inputs=()):
    """Write :func:`predictions_csv` to ``path`` atomically (never over one of ``inputs``)."""
    write_file(path, predictions_csv(outputs, names, classes), inputs=inputs)
