"""What the Brian2 peer scripts of `memspike bench … --vs brian2` share: standard output kept for the
one JSON object they print (make and the compiled binary write to file descriptor 1 too), and a
fresh, empty C++ standalone project directory per run, so that every run compiles cold."""
import contextlib
import json
import os
import shutil
import sys
import tempfile


def reserve_stdout():
    """Points file descriptor 1 at stderr from now on; returns a writer for the real standard output."""
    sys.stdout.flush()
    out = os.fdopen(os.dup(1), 'w')
    os.dup2(2, 1)
    return out


@contextlib.contextmanager
def fresh_project(prefix, keep=False):
    """A new, empty directory for the standalone project, removed at the end unless `keep`."""
    workdir = tempfile.mkdtemp(prefix=prefix)
    try:
        yield workdir
    finally:
        if keep:
            print(f'kept {workdir}', file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def print_result(out, result):
    """Writes the result as one JSON line on the real standard output."""
    out.write(json.dumps(result) + '\n')
    out.flush()
