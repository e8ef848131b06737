#!/usr/bin/env python3
"""Pack fuzz inputs of a module into a few corpus files.

  scripts/fuzz-pack.py MODULE OUTDIR INPUT...

For the modules whose inputs are a 6-byte session header and fixed-size
records (pt: 16 bytes, mpu: 8), and whose record op byte 0xff (FZ_RESTART,
tests/fuzz/fuzz.h) ends a session and starts the next: each input is padded
with zeros to a whole record (the module reads zeros past the end anyway),
and inputs are joined with a restart record between them, up to 512 bytes
a file (an input longer than that, up to 4 KiB, has a file of its own), so
that a failure still points at a few inputs. A packed file replays every
session of its inputs, in order. The other modules (p2m, mmio_guard,
mmio_hyp) decode records of varying length, with no restart record: each
of their inputs (up to 4 KiB) is a file of its own. Writes
OUTDIR/packed-NN (existing packed-* files there are replaced) and prints
how many."""
import os
import sys

RECORD = {"pt": 16, "mpu": 8}
HEADER = 6
LIMIT = 512  # bytes a packed file aims at
MAX = 4096  # inputs beyond this are left out


def piece(data, rec):
    """@data padded with zeros to where its last session ends, as the module reads it."""
    pos = HEADER
    while pos < len(data):
        restart = data[pos] == 0xFF
        pos += rec
        if restart:
            pos += HEADER  # the next session's header (zeros if missing)
    return data + bytes(pos - len(data)) if pos > len(data) else data


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    rec, out, inputs = RECORD.get(sys.argv[1]), sys.argv[2], sys.argv[3:]
    if rec:
        sep = bytes([0xFF]) + bytes(rec - 1)
        pieces = [piece(open(p, "rb").read(), rec) for p in inputs]
    else:  # no records to pack by: one input a file
        sep, pieces = None, [open(p, "rb").read() for p in inputs]
    pieces.sort(key=len, reverse=True)
    files = []
    for p in pieces:
        if len(p) > MAX:
            continue
        for f in files if sep else []:  # first fit
            if len(f) + len(sep) + len(p) <= LIMIT:
                f += sep + p
                break
        else:
            files.append(bytearray(p))
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):
        if name.startswith("packed-"):
            os.remove(os.path.join(out, name))
    for i, f in enumerate(files):
        with open(os.path.join(out, "packed-%02d" % i), "wb") as fp:
            fp.write(f)
    print("%s: %d inputs packed into %d files" % (sys.argv[1], len(pieces), len(files)))


if __name__ == "__main__":
    main()
