"""The playground: neuronsim in the browser, every partial on show.

``neuronsim playground`` serves a static page (``static/``) whose Web Worker
runs this very package on MicroPython compiled to WebAssembly (the runtime
files ship in ``static/``, with MicroPython's licence).  The page draws;
every number it shows comes from neuronsim, through :mod:`.driver`.

* :mod:`.driver` — the session the worker drives (data sets, features, the
  network, training, the inspector's equations, exports, the URL state);
  MicroPython-compatible, JSON in and JSON out;
* :mod:`.server` — the local server (``http.server``) and the static build;
  CPython only, imported by the command line, never by the worker.

This file imports nothing, so the worker can import :mod:`.driver` without
pulling in the server.
"""
