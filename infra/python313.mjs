#!/usr/bin/env node
// CPython 3.13, the Lambda runtime's version, for compiling the assets' bytecode on a
// machine that has no native 3.13 (Debian bookworm has none). It is Pyodide's CPython
// (WebAssembly, pinned in package.json, installed by `npm ci`): its .pyc files are the
// same as a native 3.13's, since bytecode and marshal do not depend on the platform.
//
// Usage, the part of python's command line that infra/bundling.py needs:
//   python313.mjs -c CODE [ARG...]   |   python313.mjs -m MODULE [ARG...]
// The host's directories are mounted at their own paths (all but the few Pyodide keeps
// for itself), so paths mean the same inside and out. The exit status is Python's.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const { loadPyodide } = await import(path.join(here, "node_modules", "pyodide", "pyodide.mjs"));

const [mode, target, ...rest] = process.argv.slice(2);
if (mode !== "-c" && mode !== "-m") {
  process.stderr.write("usage: python313.mjs -c CODE [ARG...] | -m MODULE [ARG...]\n");
  process.exit(2);
}

const write = (stream) => ({ write: (bytes) => (stream.write(bytes), bytes.length) });
const pyodide = await loadPyodide({ stdout: () => {}, stderr: () => {} });
pyodide.setStdout(write(process.stdout));
pyodide.setStderr(write(process.stderr));

// Pyodide's own tree (its standard library lives in /lib) stays; the rest is the host's.
const reserved = new Set(["dev", "proc", "lib", "sys"]);
for (const entry of fs.readdirSync("/", { withFileTypes: true })) {
  if (!entry.isDirectory() || reserved.has(entry.name)) continue;
  const mountpoint = `/${entry.name}`;
  pyodide.FS.mkdirTree(mountpoint);
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: mountpoint }, mountpoint);
}
pyodide.FS.chdir(process.cwd());

pyodide.globals.set("launch_args", pyodide.toPy([mode, target, ...rest]));
const status = pyodide.runPython(`
import runpy, sys
mode, target, *args = launch_args
def launch():
    if mode == "-c":
        sys.argv = ["-c", *args]
        exec(compile(target, "<string>", "exec"), {"__name__": "__main__"})
    else:
        sys.argv = [target, *args]
        runpy.run_module(target, run_name="__main__", alter_sys=True)
try:
    launch()
    status = 0
except SystemExit as stop:
    code = stop.code
    status = code if isinstance(code, int) else (0 if code is None else (print(code, file=sys.stderr) or 1))
except BaseException:
    import traceback
    traceback.print_exc()
    status = 1
sys.stdout.flush()
sys.stderr.flush()
status
`);
process.exit(status);
