// Run Python scripts under MicroPython 1.27 (the WebAssembly port, pinned in
// .ci/package.json) on Node.js.
//
//   node .ci/micropython.mjs                  # every tests/micropython/smoke_*.py
//   node .ci/micropython.mjs path/to/x.py ... # just these scripts
//
// The repository's source and data files (*.py, *.json, *.txt, *.csv, *.svg)
// are copied into MicroPython's in-memory file system under /repo, with the
// same layout; each script then runs in its own fresh interpreter with
// sys.path = [<script's folder>, "/repo", ...] and __file__ set, so
// `import neuronsim` and `import smoke` work as they do under CPython.
//
// Files a smoke script needs but MicroPython cannot make (say, a module that
// neuronsim's CPython-only exporter writes) come from tests/micropython/
// prepare_*.py: each is run first with CPython ($PYTHON, default python3) and
// writes into tests/micropython/generated/ (git-ignored), which is copied over
// with everything else.
//
// A script passes when it finishes (or raises SystemExit(0)), prints at least
// one line starting with "PASS" and none starting with "FAIL".  Scripts given
// with --print are only run and must finish without an exception (used for
// the seed fingerprints).  The exit status is 1 if any script failed.

import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SMOKE_DIR = join(ROOT, "tests", "micropython");
const COPY = /\.(py|json|txt|csv|svg)$/;
const SKIP = new Set([".git", "node_modules", "__pycache__", ".hypothesis", ".pytest_cache"]);

function repoFiles(dir, found = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name) || name.startsWith(".venv")) continue;
    const path = join(dir, name);
    const info = statSync(path);
    if (info.isDirectory()) repoFiles(path, found);
    else if (COPY.test(name) && info.size < 4 * 1024 * 1024) found.push(path);
  }
  return found;
}

const toMp = (path) => "/repo/" + relative(ROOT, path).split(sep).join("/");

async function runScript(script, files, mustPass) {
  const lines = [];
  const indent = mustPass ? "  " : "";
  const echo = (line) => { lines.push(line); console.log(indent + line); };
  const mp = await loadMicroPython({ stdout: echo, stderr: echo, heapsize: 64 * 1024 * 1024 });
  for (const file of files) {
    const target = toMp(file);
    const parts = target.split("/").slice(1, -1);
    for (let i = 1; i <= parts.length; i++) {
      const folder = "/" + parts.slice(0, i).join("/");
      try { mp.FS.mkdir(folder); } catch (e) { /* exists */ }
    }
    mp.FS.writeFile(target, readFileSync(file));
  }
  const mpScript = toMp(script);
  const folder = mpScript.slice(0, mpScript.lastIndexOf("/"));
  mp.runPython('import sys\nsys.path[:0] = ["' + folder + '", "/repo"]\nsys.argv[:] = ["' + mpScript + '"]');
  mp.globals.set("__file__", mpScript);
  let raised = null;
  try {
    mp.runPython(readFileSync(script, "utf8"));
    if (mp._module._stdoutBuffer && mp._module._stdoutBuffer.length) echo(mp._module._textDecoder.decode(new Uint8Array(mp._module._stdoutBuffer)));
  } catch (error) {
    const text = String(error.message || error).trim();
    if (!/SystemExit(: 0)?$/.test(text)) raised = text;
  }
  const problems = [];
  if (raised) problems.push("raised:\n" + raised.replace(/^/gm, "    "));
  if (mustPass) {
    if (!lines.some((l) => l.startsWith("PASS"))) problems.push("printed no PASS line");
    const failed = lines.filter((l) => l.startsWith("FAIL"));
    if (failed.length) problems.push(failed.length + " FAIL line(s)");
  }
  return problems;
}

const args = process.argv.slice(2);
const printOnly = args.includes("--print");
let scripts = args.filter((a) => a !== "--print").map((a) => resolve(a));
if (scripts.length === 0) {
  scripts = readdirSync(SMOKE_DIR).filter((n) => /^smoke_.*\.py$/.test(n)).sort()
    .map((n) => join(SMOKE_DIR, n));
  if (scripts.length === 0) {
    console.error("no smoke_*.py scripts in " + SMOKE_DIR);
    process.exit(1);
  }
}
for (const name of readdirSync(SMOKE_DIR).filter((n) => /^prepare_.*\.py$/.test(n)).sort()) {
  if (!printOnly) console.log("== CPython: " + relative(ROOT, join(SMOKE_DIR, name)));
  try {
    execFileSync(process.env.PYTHON || "python3", [join(SMOKE_DIR, name)],
                 { cwd: ROOT, stdio: ["ignore", printOnly ? "ignore" : "inherit", "inherit"] });
  } catch (error) {
    console.error("FAILED " + name + ": " + error.message);
    process.exit(1);
  }
}
const files = repoFiles(ROOT);
let failures = 0;
for (const script of scripts) {
  const name = relative(ROOT, script);
  if (!printOnly) console.log("== MicroPython: " + name);
  const started = Date.now();
  const problems = await runScript(script, files, !printOnly);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (problems.length) {
    failures++;
    console.error("FAILED " + name + " (" + seconds + " s): " + problems.join("; "));
  } else if (!printOnly) {
    console.log("ok " + name + " (" + seconds + " s)");
  }
}
if (!printOnly) {
  console.log("MicroPython smoke suite: " + (scripts.length - failures) + " passed, "
              + failures + " failed, of " + scripts.length + " script(s)");
}
process.exit(failures ? 1 : 0);
