"""Runs a merezha.neurolab example script under real neurolab 0.3.5 (the import line swapped
for ``import neurolab as nl``), with neurolab master's initnw and newlvq patched in as
tools/golden/neurolab_golden.py does (merezha.neurolab follows master there).

    /work/venvs/neurolab/bin/python run_with_neurolab.py EXAMPLE.py     # prints its output
    /work/venvs/neurolab/bin/python run_with_neurolab.py --write        # refreshes expected/
"""
import contextlib
import glob
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "..", "examples", "neurolab")
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "tools", "golden"))

import neurolab_master  # noqa: E402

neurolab_master.install()


def run(path):
    """The stdout of example `path` under neurolab."""
    with open(path) as f:
        src = f.read().replace("import merezha.neurolab as nl", "import neurolab as nl")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(src, path, "exec"), {"__name__": "__main__"})
    return out.getvalue()


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        os.makedirs(os.path.join(HERE, "expected"), exist_ok=True)
        for path in sorted(glob.glob(os.path.join(EXAMPLES, "*.py"))):
            name = os.path.splitext(os.path.basename(path))[0]
            with open(os.path.join(HERE, "expected", name + ".txt"), "w") as f:
                f.write(run(path))
            print("wrote expected/%s.txt" % name)
    else:
        sys.stdout.write(run(sys.argv[1]))
