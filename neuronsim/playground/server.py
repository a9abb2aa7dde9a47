"""Serve the playground on 127.0.0.1, or write it out as a static site.

``neuronsim playground`` calls :func:`serve`; ``neuronsim playground --build
DIR`` calls :func:`build`.  Both hand the browser the same files: the page
(``static/``: HTML, CSS, two JavaScript modules, MicroPython's WebAssembly
runtime and its licence) and ``neuronsim-bundle.json``, the package's own
Python source, which the page's worker loads into MicroPython.  Nothing
comes from the internet; the standard library's ``http.server`` does the
serving.  CPython only (the worker never imports this module).
"""

import json
import os
import shutil
import socket
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from .. import __version__

HERE = os.path.dirname(os.path.abspath(__file__))
STATIC = os.path.join(HERE, "static")
PACKAGE = os.path.dirname(HERE)
BUNDLE = "neuronsim-bundle.json"
DEFAULT_PORT = 8765

#: Modules the worker never needs: the command line, the server, the ``-m`` entry.
LEFT_OUT = ("cli.py", "__main__.py", os.path.join("playground", "server.py"))

TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
         ".wasm": "application/wasm", ".json": "application/json",
         ".txt": "text/plain; charset=utf-8", "": "text/plain; charset=utf-8"}


def bundle_files():
    """{path inside the package, e.g. 'neuronsim/network.py': source text} for
    every Python file the worker may import (all of neuronsim but :data:`LEFT_OUT`)."""
    files = {}
    for folder, subfolders, names in os.walk(PACKAGE):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__" and d != "static")
        for name in sorted(names):
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, PACKAGE)
            if relative in LEFT_OUT:
                continue
            with open(path, encoding="utf-8") as handle:
                files["neuronsim/" + relative.replace(os.sep, "/")] = handle.read()
    return files


def bundle_text():
    """The JSON the worker fetches: neuronsim's version and its Python files."""
    return json.dumps({"format": "neuronsim-playground-bundle", "version": __version__,
                       "files": bundle_files()}, sort_keys=True)


def static_files():
    """Paths (relative to ``static/``) of the page's files, in a stable order."""
    found = []
    for folder, subfolders, names in os.walk(STATIC):
        subfolders.sort()
        for name in sorted(names):
            found.append(os.path.relpath(os.path.join(folder, name), STATIC))
    return found


class _Handler(SimpleHTTPRequestHandler):
    """The static folder, plus the bundle made at start-up; no directory listings."""

    bundle = b""
    quiet = True

    def do_GET(self):
        if self.path.split("?")[0] == "/" + BUNDLE:
            self._send_bytes(self.bundle, "application/json")
            return
        SimpleHTTPRequestHandler.do_GET(self)

    def _send_bytes(self, data, kind):
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def list_directory(self, path):
        self.send_error(404, "No listing here")
        return None

    def guess_type(self, path):
        return TYPES.get(os.path.splitext(path)[1], "application/octet-stream")

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        SimpleHTTPRequestHandler.end_headers(self)

    def log_message(self, format, *args):
        if not self.quiet:
            SimpleHTTPRequestHandler.log_message(self, format, *args)


def make_server(port=DEFAULT_PORT, quiet=True):
    """An HTTP server for the playground on 127.0.0.1:``port`` (0: any free port),
    not yet serving.  Raises OSError if the port cannot be had."""
    handler = type("PlaygroundHandler", (_Handler,), {"bundle": bundle_text().encode("utf-8"),
                                                      "quiet": quiet})
    return ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=STATIC))


def serve(port=DEFAULT_PORT, open_browser=True, stdout=None, ready=None):
    """Serve until interrupted (Ctrl+C); print the address, open a browser tab.

    ``ready(url)``, if given, is called once the server listens (tests use it).
    """
    stdout = sys.stdout if stdout is None else stdout
    try:
        server = make_server(port)
    except OSError as error:
        raise OSError("--port: cannot listen on 127.0.0.1:%d (%s); choose another port "
                      "with --port N (0 picks a free one)" % (port, error.strerror or error))
    url = "http://127.0.0.1:%d/" % server.server_address[1]
    stdout.write("neuronsim playground: serving on %s (Ctrl+C to stop)\n" % url)
    stdout.flush()
    if open_browser:
        import webbrowser
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    if ready is not None:
        ready(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        stdout.write("\nneuronsim playground: stopped\n")
    finally:
        server.server_close()
    return 0


def build(directory, stdout=None):
    """Write the playground as a static site into ``directory`` (created if
    missing; refused if it holds anything but an earlier build).  Return the
    number of files written."""
    stdout = sys.stdout if stdout is None else stdout
    if os.path.exists(directory):
        if not os.path.isdir(directory):
            raise ValueError("--build: %s exists and is not a directory" % directory)
        present = os.listdir(directory)
        if present and BUNDLE not in present:
            raise ValueError("--build: %s is not empty and holds no earlier playground build "
                             "(no %s); give a new or empty directory" % (directory, BUNDLE))
    written = 0
    for relative in static_files():
        target = os.path.join(directory, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(os.path.join(STATIC, relative), target)
        written += 1
    with open(os.path.join(directory, BUNDLE), "w", encoding="utf-8") as handle:
        handle.write(bundle_text())
    written += 1
    stdout.write("neuronsim playground: wrote %d files to %s\n"
                 "Serve that folder over HTTP (a Web Worker cannot start from file://), with "
                 ".wasm as application/wasm and .js/.mjs as text/javascript, e.g.\n"
                 "    python3 -m http.server --bind 127.0.0.1 --directory %s\n"
                 % (written, directory, directory))
    return written


def free_port():
    """A port that was free a moment ago (tests)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
