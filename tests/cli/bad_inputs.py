"""Bad input, case by case: every case runs wijksim in a fresh folder holding only the files
it names, and asserts the exit status, the words of the message and that nothing was left
behind (no output, no temporary file, no journal; the files given are unchanged).

    bad_inputs.py WIJKSIM            run every case, print PASS/FAIL lines (make test)
    bad_inputs.py WIJKSIM --markdown the table of cases for docs/reliability.md

CASES are written by hand, one per class of bad input; the registry cases are made from
`wijksim params` for every parameter (a value above its range, a text where a number
belongs), so that a parameter added to the registry is covered without a line here."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

BASE = "sim = { weeks = 104; burn_in_weeks = 20; };\nworld = { population = 2000; neighbourhoods = 2; };\n"
SPEC_HEAD = 'base = "base.cfg"; design = "factorial";\n'
FACTOR = 'parameters = ( { name = "team.fte"; values = [6.0, 12.0]; } );\n'
RUN = ["run", "s.cfg", "-o", "out.h5"]

# (class, case, files {name: text or bytes}, command, exit status, words the message holds).
# "s.cfg" defaults to the small base; "base.cfg" is always there.
CASES = [
    # -- scenario syntax and bytes
    ("scenario syntax", "closing brace too many", {"s.cfg": "team = { fte = 5.0; }; };\n"}, RUN, 2, ["s.cfg:1", "syntax error"]),
    ("scenario syntax", "unclosed group", {"s.cfg": "team = { fte = 5.0;\n"}, RUN, 2, ["s.cfg:", "syntax error"]),
    ("scenario syntax", "unclosed string", {"s.cfg": 'title = "abc;\n'}, RUN, 2, ["s.cfg:", "syntax error"]),
    ("scenario syntax", "unclosed block comment", {"s.cfg": "/* note\nteam = { fte = 5.0; };\n"}, RUN, 2, ["s.cfg:1", "never closed"]),
    ("scenario syntax", "percentage", {"s.cfg": "access = { barrier = 15%; };\n"}, RUN, 2, ["s.cfg:1", "0.15, not 15%"]),
    ("scenario syntax", "decimal comma", {"s.cfg": "access = { barrier = 0,3; };\n"}, RUN, 2, ["s.cfg:1", "0.3, not 0,3"]),
    ("scenario syntax", "NUL byte", {"s.cfg": b"team = { fte = 5.0; };\x00\n"}, RUN, 2, ["s.cfg:1", "NUL byte"]),
    ("scenario syntax", "binary junk", {"s.cfg": bytes(range(1, 256))}, RUN, 2, ["s.cfg:", "syntax error"]),
    ("scenario syntax", "UTF-16 text", {"s.cfg": "team = { fte = 5.0; };\n".encode("utf-16")}, RUN, 2, ["s.cfg:1", "NUL byte"]),
    ("scenario syntax", "equals without value", {"s.cfg": "team = { fte = ; };\n"}, RUN, 2, ["s.cfg:1", "syntax error"]),
    ("scenario syntax", "setting outside a group", {"s.cfg": "fte = 5.0;\n"}, RUN, 2, ["s.cfg:1", "unknown parameter 'fte'"]),
    ("scenario syntax", "integer beyond 32 bits without L", {"s.cfg": "sim = { weeks = 5000000000; };\n"}, RUN, 2, ["s.cfg:1", "L suffix"]),
    ("scenario syntax", "integer beyond 64 bits", {"s.cfg": "team = { fte = 99999999999999999999; };\n"}, RUN, 2, ["s.cfg:1", "64-bit"]),
    ("scenario syntax", "hex integer beyond 32 bits", {"s.cfg": "sim = { weeks = 0x1FFFFFFFF; };\n"}, RUN, 2, ["s.cfg:1", "L suffix"]),
    # -- scenario values
    ("scenario values", "unknown parameter with a suggestion", {"s.cfg": "team = { ftee = 5.0; };\n"}, RUN, 2, ["s.cfg:1", "unknown parameter 'team.ftee'", "did you mean 'team.fte'"]),
    ("scenario values", "unknown group", {"s.cfg": "teem = { fte = 5.0; };\n"}, RUN, 2, ["s.cfg:1", "unknown parameter"]),
    ("scenario values", "value above the range", {"s.cfg": "access = { barrier = 1.5; };\n"}, RUN, 2, ["s.cfg:1", "access.barrier", "out of range"]),
    ("scenario values", "negative value", {"s.cfg": "team = { fte = -1.0; };\n"}, RUN, 2, ["s.cfg:1", "team.fte", "out of range"]),
    ("scenario values", "text for a number", {"s.cfg": 'team = { fte = "many"; };\n'}, RUN, 2, ["s.cfg:1", "team.fte", "wrong type"]),
    ("scenario values", "list for a single value", {"s.cfg": "team = { fte = [1.0, 2.0]; };\n"}, RUN, 2, ["s.cfg:1", "expected a single value"]),
    ("scenario values", "single value for a list", {"s.cfg": "needs = { escalation_rate = 0.1; };\n"}, RUN, 2, ["s.cfg:1", "needs.escalation_rate", "expected a list"]),
    ("scenario values", "list too long", {"s.cfg": "needs = { onset_0_17 = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]; };\n"}, RUN, 2, ["s.cfg:1", "expected 6 values, got 7"]),
    ("scenario values", "list too short", {"s.cfg": "needs = { onset_0_17 = [1.0, 1.0]; };\n"}, RUN, 2, ["s.cfg:1", "expected 6 values, got 2"]),
    ("scenario values", "element out of range", {"s.cfg": "needs = { onset_0_17 = [1.0, 1.0, 1.0, 1.0, 1.0, 9999.0]; };\n"}, RUN, 2, ["s.cfg:1", "element 6"]),
    ("scenario values", "fraction for a whole number", {"s.cfg": "sim = { weeks = 52.5; };\n"}, RUN, 2, ["s.cfg:1", "sim.weeks"]),
    ("scenario values", "boolean as a number out of range", {"s.cfg": "access = { mandate = 2; };\n"}, RUN, 2, ["s.cfg:1", "access.mandate"]),
    ("scenario values", "title not a text", {"s.cfg": "title = 5;\n"}, RUN, 2, ["s.cfg:1", "'title'"]),
    ("scenario values", "title over 4,096 characters", {"s.cfg": 'title = "' + "x" * 5000 + '";\n'}, RUN, 2, ["'title'", "at most 4096"]),
    ("scenario values", "min above max", {"s.cfg": "world = { deprivation_min = 0.8; deprivation_max = 0.3; };\n"}, RUN, 2, ["world.deprivation_min", "min <= max", "s.cfg:1"]),
    ("scenario values", "more teams than neighbourhoods", {"s.cfg": "world = { teams = 5; neighbourhoods = 2; };\n"}, RUN, 2, ["world.teams", "world.neighbourhoods"]),
    ("scenario values", "too few residents per neighbourhood", {"s.cfg": "world = { population = 100; neighbourhoods = 10; };\n"}, RUN, 2, ["world.population", "20 residents"]),
    ("scenario values", "household shares summing to zero", {"s.cfg": "world = { household_share = [0, 0, 0, 0, 0, 0]; };\n"}, RUN, 2, ["household_share", "positive sum"]),
    # -- policy steps
    ("policy", "step without week", {"s.cfg": BASE + "policy = ( { team = { fte = 5.0; }; } );\n"}, RUN, 2, ["s.cfg:3", "exactly one of 'week"]),
    ("policy", "step with week and year", {"s.cfg": BASE + "policy = ( { week = 1; year = 1; team = { fte = 5.0; }; } );\n"}, RUN, 2, ["s.cfg:3", "exactly one of"]),
    ("policy", "step beyond the run", {"s.cfg": BASE + "policy = ( { week = 500; team = { fte = 5.0; }; } );\n"}, RUN, 2, ["policy step at week 500", "within the run"]),
    ("policy", "negative week", {"s.cfg": BASE + "policy = ( { week = -1; team = { fte = 5.0; }; } );\n"}, RUN, 2, ["s.cfg:3", "'week'"]),
    ("policy", "step that sets nothing", {"s.cfg": BASE + "policy = ( { week = 1; } );\n"}, RUN, 2, ["s.cfg:3", "at least one parameter"]),
    ("policy", "step that is not a group", {"s.cfg": BASE + "policy = ( 5 );\n"}, RUN, 2, ["s.cfg:3", "expected a group"]),
    ("policy", "policy that is not a list", {"s.cfg": BASE + "policy = 5;\n"}, RUN, 2, ["s.cfg:3", "'policy'"]),
    ("policy", "parameter that cannot change during a run", {"s.cfg": BASE + "policy = ( { week = 1; world = { population = 3000; }; } );\n"}, RUN, 2, ["s.cfg:3", "cannot change during a run"]),
    ("policy", "step value out of range", {"s.cfg": BASE + "policy = ( { week = 1; access = { barrier = 2.0; }; } );\n"}, RUN, 2, ["s.cfg:3", "access.barrier"]),
    ("policy", "policy too large for the output file", {"s.cfg": "sim = { weeks = 5200; };\npolicy = (" + ",".join("{ week = %d; team = { fte = 5.0; }; }" % w for w in range(3000)) + ");\n"}, RUN, 2, ["3000 policy entries", "fewer policy steps"]),
    # -- includes
    ("include", "missing file with a close name", {"s.cfg": '@include "bsae.cfg"\n'}, RUN, 2, ["s.cfg:1", "did you mean \"base.cfg\""]),
    ("include", "missing file", {"s.cfg": '@include "nothing_like_it.cfg"\n'}, RUN, 2, ["s.cfg:1", "nothing_like_it.cfg", "No such file"]),
    ("include", "cycle", {"s.cfg": '@include "a.cfg"\n', "a.cfg": '@include "s.cfg"\n'}, RUN, 2, ["a.cfg:1", "makes a cycle"]),
    ("include", "includes itself", {"s.cfg": '@include "s.cfg"\n'}, RUN, 2, ["s.cfg:1", "makes a cycle"]),
    ("include", "without quotes", {"s.cfg": "@include base.cfg\n"}, RUN, 2, ["s.cfg:1", '@include "file.cfg"']),
    ("include", "trailing text", {"s.cfg": '@include "base.cfg" team = 1;\n'}, RUN, 2, ["s.cfg:1", "alone on its line"]),
    ("include", "a folder", {"s.cfg": '@include "sub"\n', "sub/x": ""}, RUN, 2, ["s.cfg:1", "not a regular file"]),
    ("include", "a FIFO", {"s.cfg": '@include "fifo"\n', "fifo": None}, RUN, 2, ["s.cfg:1", "not a regular file"]),
    ("include", "/dev/zero", {"s.cfg": '@include "/dev/zero"\n'}, RUN, 2, ["s.cfg:1", "not a regular file"]),
    ("include", "syntax error in the included file", {"s.cfg": '@include "a.cfg"\n', "a.cfg": "team = { fte = ; };\n"}, RUN, 2, ["a.cfg:1", "syntax error"]),
    ("include", "bad value in the included file", {"s.cfg": '@include "a.cfg"\n', "a.cfg": "team = { fte = -5.0; };\n"}, RUN, 2, ["a.cfg:1", "team.fte"]),
    # -- scenario file itself
    ("scenario file", "missing", {}, ["run", "nothing.cfg", "-o", "out.h5"], 2, ["nothing.cfg", "No such file"]),
    ("scenario file", "a folder", {"sub/x": ""}, ["run", "sub", "-o", "out.h5"], 2, ["sub", "not a regular file"]),
    ("scenario file", "a FIFO", {"fifo": None}, ["run", "fifo", "-o", "out.h5"], 2, ["fifo", "not a regular file"]),
    ("scenario file", "/dev/zero", {}, ["run", "/dev/zero", "-o", "out.h5"], 2, ["/dev/zero", "not a regular file"]),
    ("scenario file", "/dev/null (empty: the defaults)", {}, ["params", "/dev/null"], 2, ["/dev/null", "not a regular file"]),
    # -- command line
    ("command line", "unknown command", {}, ["runn"], 2, ["unknown command 'runn'"]),
    ("command line", "no command", {}, [], 2, ["usage"]),
    ("command line", "unknown option", {}, RUN + ["--fast"], 2, ["unknown or incomplete option"]),
    ("command line", "option without its value", {}, RUN + ["--seed"], 2, ["unknown or incomplete option"]),
    ("command line", "replicates 0", {}, RUN + ["--replicates", "0"], 2, ["--replicates", "1 to 100000"]),
    ("command line", "replicates not a number", {}, RUN + ["-r", "many"], 2, ["--replicates"]),
    ("command line", "replicates too many", {}, RUN + ["-r", "100001"], 2, ["--replicates"]),
    ("command line", "threads 0", {}, RUN + ["--threads", "0"], 2, ["--threads"]),
    ("command line", "threads above 4096", {}, RUN + ["--threads", "5000"], 2, ["--threads"]),
    ("command line", "seed negative", {}, RUN + ["--seed", "-1"], 2, ["--seed"]),
    ("command line", "seed not a number", {}, RUN + ["--seed", "abc"], 2, ["--seed"]),
    ("command line", "seed with trailing text", {}, RUN + ["--seed", "12x"], 2, ["--seed"]),
    ("command line", "--set without =", {}, RUN + ["--set", "team.fte"], 2, ["--set team.fte", "name=value"]),
    ("command line", "--set unknown parameter", {}, RUN + ["--set", "team.ftee=5"], 2, ["unknown parameter 'team.ftee'"]),
    ("command line", "--set out of range", {}, RUN + ["--set", "access.barrier=7"], 2, ["access.barrier"]),
    ("command line", "--set text for a number", {}, RUN + ["--set", "team.fte=abc"], 2, ["team.fte", "expected a number"]),
    ("command line", "--set too many values", {}, RUN + ["--set", "needs.onset_0_17=[1,1,1,1,1,1,1]"], 2, ["needs.onset_0_17", "expected 6 values", "got 7"]),
    ("command line", "--set empty element", {}, RUN + ["--set", "needs.escalation_rate=0.1,,0.3"], 2, ["needs.escalation_rate"]),
    ("command line", "--set breaks min <= max", {}, RUN + ["--set", "world.deprivation_min=0.9"], 2, ["world.deprivation_min", "at --set"]),
    ("command line", "compare horizon beyond the run", {}, ["compare", "s.cfg", "--horizon", "9", "-o", "out.h5"], 2, ["--horizon"]),
    ("command line", "compare horizon not a number", {}, ["compare", "s.cfg", "--horizon", "x", "-o", "out.h5"], 2, ["--horizon"]),
    ("command line", "compare unknown format", {}, ["compare", "s.cfg", "--format", "xls", "-o", "out.h5"], 2, ["--format"]),
    ("command line", "compare without scenarios", {}, ["compare", "-o", "out.h5"], 2, ["SCENARIO.cfg"]),
    ("command line", "sweep shard out of range", {"spec.cfg": SPEC_HEAD + FACTOR}, ["sweep", "spec.cfg", "--shard", "3/2", "-o", "out.h5"], 2, ["--shard"]),
    ("command line", "sweep shard malformed", {"spec.cfg": SPEC_HEAD + FACTOR}, ["sweep", "spec.cfg", "--shard", "x", "-o", "out.h5"], 2, ["--shard"]),
    ("command line", "merge without parts", {}, ["merge", "-o", "out.h5"], 2, ["merge"]),
    # -- output targets
    ("output target", "empty name", {}, ["run", "s.cfg", "-o", ""], 2, ["output file name is empty"]),
    ("output target", "existing file without --force", {"out.h5": "mine\n"}, RUN, 2, ["out.h5", "use --force"]),
    ("output target", "a folder", {"sub/x": ""}, ["run", "s.cfg", "-o", "sub"], 2, ["sub", "is a folder"]),
    ("output target", "a folder with --force", {"sub/x": ""}, ["run", "s.cfg", "-o", "sub", "--force"], 2, ["sub", "is a folder"]),
    ("output target", "a name ending in /", {}, ["run", "s.cfg", "-o", "new/"], 2, ["new/", "is a folder"]),
    ("output target", "a missing folder", {}, ["run", "s.cfg", "-o", "no/such/out.h5"], 2, ["no/such", "does not exist"]),
    ("output target", "a FIFO with --force", {"fifo": None}, ["run", "s.cfg", "-o", "fifo", "--force"], 2, ["fifo", "not a regular file"]),
    ("output target", "a device with --force", {}, ["run", "s.cfg", "-o", "/dev/null", "--force"], 2, ["/dev/null", "not a regular file"]),
    ("output target", "compare table in a missing folder", {}, ["compare", "s.cfg", "-o", "out.h5", "--table", "no/t.csv"], 2, ["no", "does not exist"]),
    ("output target", "compare table equal to -o", {}, ["compare", "s.cfg", "-o", "out.h5", "--table", "out.h5"], 2, ["the same file as the output"]),
    ("output target", "compare table existing without --force", {"t.csv": "mine\n"}, ["compare", "s.cfg", "-o", "out.h5", "--table", "t.csv"], 2, ["t.csv", "use --force"]),
    ("output target", "compare table a FIFO with --force", {"fifo": None}, ["compare", "s.cfg", "-o", "out.h5", "--table", "fifo", "--force"], 2, ["fifo", "not a regular file"]),
    ("output target", "sweep output a folder with --force", {"spec.cfg": SPEC_HEAD + FACTOR, "sub/x": ""}, ["sweep", "spec.cfg", "-o", "sub", "--force"], 2, ["is a folder"]),
    ("output target", "sweep journal holding another file", {"spec.cfg": SPEC_HEAD + FACTOR, "out.h5.journal": "notes\n"}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["not a wijksim sweep journal"]),
    ("output target", "sweep journal a FIFO", {"spec.cfg": SPEC_HEAD + FACTOR, "out.h5.journal": None}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["not a regular file"]),
    ("output target", "merge output existing without --force", {"out.h5": "mine\n"}, ["merge", "base.cfg", "-o", "out.h5"], 2, ["out.h5", "use --force"]),
    # -- sweep specifications
    ("sweep spec", "missing", {}, ["sweep", "nothing.cfg", "-o", "out.h5"], 2, ["nothing.cfg", "No such file"]),
    ("sweep spec", "a folder", {"sub/x": ""}, ["sweep", "sub", "-o", "out.h5"], 2, ["sub", "it is a folder"]),
    ("sweep spec", "a FIFO", {"fifo": None}, ["sweep", "fifo", "-o", "out.h5"], 2, ["fifo", "not a regular file"]),
    ("sweep spec", "/dev/zero", {}, ["sweep", "/dev/zero", "-o", "out.h5"], 2, ["/dev/zero", "not a regular file"]),
    ("sweep spec", "syntax error", {"spec.cfg": SPEC_HEAD + "parameters = ( { name = \"team.fte\"; values = [1.0; } );\n"}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["spec.cfg:2", "syntax error"]),
    ("sweep spec", "missing base", {"spec.cfg": 'design = "oat";\n' + FACTOR}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["spec.cfg", "'base'"]),
    ("sweep spec", "base missing on disk", {"spec.cfg": 'base = "nothing.cfg"; design = "oat";\n' + FACTOR}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["nothing.cfg"]),
    ("sweep spec", "unknown design", {"spec.cfg": 'base = "base.cfg"; design = "grid";\n' + FACTOR}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["spec.cfg:1", "'design'"]),
    ("sweep spec", "unknown parameter", {"spec.cfg": SPEC_HEAD + 'parameters = ( { name = "team.ftee"; values = [1.0]; } );\n'}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["spec.cfg:2", "did you mean 'team.fte'"]),
    ("sweep spec", "range beyond the registry", {"spec.cfg": SPEC_HEAD + 'parameters = ( { name = "access.barrier"; min = 0.1; max = 1.5; levels = 2; } );\n'}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["spec.cfg:2", "access.barrier"]),
    ("sweep spec", "seed 1e300", {"spec.cfg": SPEC_HEAD + "seed = 1e300;\n" + FACTOR}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["spec.cfg:2", "'seed'", "2^53"]),
    ("sweep spec", "seed beyond 32 bits without L", {"spec.cfg": SPEC_HEAD + "seed = 5000000000;\n" + FACTOR}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["spec.cfg:2", "L suffix"]),
    ("sweep spec", "negative seed", {"spec.cfg": SPEC_HEAD + "seed = -3;\n" + FACTOR}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["spec.cfg:2", "'seed'"]),
    ("sweep spec", "horizon that overflows", {"spec.cfg": SPEC_HEAD + "horizons = [2305843011361177599L];\n" + FACTOR}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["spec.cfg:2", "'horizons'"]),
    ("sweep spec", "horizon beyond the run", {"spec.cfg": SPEC_HEAD + "horizons = [5];\n" + FACTOR}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["spec.cfg:2", "within the run"]),
    ("sweep spec", "too many horizons", {"spec.cfg": SPEC_HEAD + "horizons = [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1];\n" + FACTOR}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["'horizons'", "1 to 16"]),
    ("sweep spec", "replicates 0", {"spec.cfg": SPEC_HEAD + "replicates = 0;\n" + FACTOR}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["spec.cfg:2", "'replicates'"]),
    ("sweep spec", "replicates a fraction", {"spec.cfg": SPEC_HEAD + "replicates = 2.5;\n" + FACTOR}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["spec.cfg:2", "'replicates'"]),
    ("sweep spec", "lhs without samples", {"spec.cfg": 'base = "base.cfg"; design = "lhs";\nparameters = ( { name = "team.fte"; min = 4.0; max = 8.0; } );\n'}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["'samples'"]),
    ("sweep spec", "factorial range without levels", {"spec.cfg": SPEC_HEAD + 'parameters = ( { name = "team.fte"; min = 4.0; max = 8.0; } );\n'}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["needs 'levels'"]),
    ("sweep spec", "a factor that cannot change during a run", {"spec.cfg": SPEC_HEAD + 'parameters = ( { name = "world.population"; values = [1000, 2000]; } );\n'}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["cannot be varied"]),
    ("sweep spec", "the output's shape varied", {"spec.cfg": SPEC_HEAD + 'burn_in = "per_point";\nparameters = ( { name = "sim.weeks"; values = [52, 60]; } );\n'}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["'sim.weeks' cannot be varied"]),
    ("sweep spec", "unknown burn_in", {"spec.cfg": SPEC_HEAD + 'burn_in = "each";\n' + FACTOR}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["'burn_in'"]),
    ("sweep spec", "misspelt setting", {"spec.cfg": SPEC_HEAD + "replicate = 3;\n" + FACTOR}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["replicate"]),
    ("sweep spec", "no parameters", {"spec.cfg": SPEC_HEAD}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["'parameters'"]),
    ("sweep spec", "NUL byte", {"spec.cfg": (SPEC_HEAD + FACTOR).encode() + b"\x00"}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["spec.cfg:3", "NUL byte"]),
    # -- merge inputs
    ("merge input", "missing part", {}, ["merge", "nothing.h5", "-o", "out.h5"], 2, ["nothing.h5", "cannot open as HDF5"]),
    ("merge input", "a text file", {"t.h5": "not hdf5\n"}, ["merge", "t.h5", "-o", "out.h5"], 2, ["t.h5", "not an HDF5 file"]),
    ("merge input", "an empty file", {"t.h5": ""}, ["merge", "t.h5", "-o", "out.h5"], 2, ["t.h5", "cannot open as HDF5"]),
    ("merge input", "a folder", {"sub/x": ""}, ["merge", "sub", "-o", "out.h5"], 2, ["sub", "cannot open as HDF5"]),
    ("merge input", "a FIFO", {"fifo": None}, ["merge", "fifo", "-o", "out.h5"], 2, ["fifo", "not a regular file"]),
    ("report input", "a FIFO", {"fifo": None}, ["report", "fifo", "-o", "r.html"], 2, ["fifo", "not a regular file"]),
    ("merge input", "random bytes", {"t.h5": bytes(range(256)) * 8}, ["merge", "t.h5", "-o", "out.h5"], 2, ["t.h5", "cannot open as HDF5"]),
    ("merge input", "an HDF5 signature and nothing else", {"t.h5": b"\x89HDF\r\n\x1a\n" + bytes(64)}, ["merge", "t.h5", "-o", "out.h5"], 2, ["t.h5"]),
    ("merge input", "without -o", {}, ["merge", "a.h5"], 2, ["expected -o FILE.h5"]),
    # -- report (the Python side)
    ("report input", "missing file", {}, ["report", "nothing.h5", "-o", "r.html"], 2, ["nothing.h5", "cannot open as HDF5"]),
    ("report input", "a text file", {"t.h5": "not hdf5\n"}, ["report", "t.h5", "-o", "r.html"], 2, ["t.h5", "cannot open as HDF5"]),
    ("report input", "an empty file", {"t.h5": ""}, ["report", "t.h5", "-o", "r.html"], 2, ["t.h5"]),
    ("report input", "random bytes", {"t.h5": bytes(range(256)) * 8}, ["report", "t.h5", "-o", "r.html"], 2, ["t.h5"]),
    ("report target", "existing without --force", {"t.h5": "x\n", "r.html": "mine\n"}, ["report", "t.h5", "-o", "r.html"], 2, ["r.html", "use --force"]),
    ("report target", "a folder", {"t.h5": "x\n", "sub/x": ""}, ["report", "t.h5", "-o", "sub", "--force"], 2, ["sub", "is a folder"]),
    ("report target", "a FIFO with --force", {"t.h5": "x\n", "fifo": None}, ["report", "t.h5", "-o", "fifo", "--force"], 2, ["fifo", "not a regular file"]),
    ("report target", "a missing folder", {"t.h5": "x\n"}, ["report", "t.h5", "-o", "no/r.html"], 2, ["no", "does not exist"]),
    ("report target", "an empty name", {"t.h5": "x\n"}, ["report", "t.h5", "-o", ""], 2, ["output file name is empty"]),
    # -- params and series
    ("command line", "params with an unknown option", {}, ["params", "--bogus"], 2, ["unexpected argument '--bogus'"]),
    ("command line", "series with an unknown option", {}, ["series", "--bogus"], 2, ["unexpected argument '--bogus'"]),
    ("command line", "params of a scenario with an error", {"s.cfg": "team = { fte = -1.0; };\n"}, ["params", "s.cfg"], 2, ["s.cfg:1", "team.fte"]),
    ("command line", "params --set unknown", {}, ["params", "--set", "x.y=1"], 2, ["unknown parameter 'x.y'"]),
    # -- compare inputs
    ("compare input", "a missing scenario among several", {}, ["compare", "s.cfg", "nothing.cfg", "-o", "out.h5"], 2, ["nothing.cfg", "No such file"]),
    ("compare input", "a scenario shorter than the horizon", {"b.cfg": '@include "base.cfg"\nsim = { weeks = 52; };\n'}, ["compare", "s.cfg", "b.cfg", "--horizon", "2", "-o", "out.h5"], 2, ["b.cfg", "shorter than the horizon"]),
    ("compare input", "an error in the second scenario", {"b.cfg": "team = { fte = -2.0; };\n"}, ["compare", "s.cfg", "b.cfg", "-o", "out.h5"], 2, ["b.cfg:1", "team.fte"]),
    ("sweep spec", "an @include", {"spec.cfg": SPEC_HEAD + '@include "common.cfg"\n' + FACTOR, "common.cfg": "seed = 1;\n"}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["spec.cfg:2", "@include in a sweep specification"]),
    ("sweep spec", "seed 2^53 + 1 as a 64-bit integer", {"spec.cfg": SPEC_HEAD + "seed = 9007199254740993L;\n" + FACTOR}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["spec.cfg:2", "2^53"]),
    ("output target", "compare table the same file as -o by another path", {}, ["compare", "s.cfg", "-o", "out.h5", "--table", "./out.h5"], 2, ["the same file as the output"]),
    ("include", "after a string over two lines holding /*", {"s.cfg": 'title = "first\n/* second";\n@include "a.cfg"\n', "a.cfg": "team = { fte = -1.0; };\n"}, RUN, 2, ["a.cfg:1", "team.fte"]),
    # -- sweeps: the journal of another spec
    ("sweep journal", "a journal of another sweep", {"spec.cfg": SPEC_HEAD + FACTOR, "out.h5.journal": b"WJSIMJ01" + bytes(120)}, ["sweep", "spec.cfg", "-o", "out.h5"], 2, ["out.h5.journal"]),
]

# Registry cases: every parameter with a value above its range and a text where a number goes.
ROW = re.compile(r"^(\S+)\s+.*\[(\S+)\.\.(\S+)\s")


def registry_cases(wijksim):
    out = subprocess.run([wijksim, "params"], capture_output=True, text=True, check=True).stdout
    cases = []
    cfg = subprocess.run([wijksim, "params", "--cfg"], capture_output=True, text=True, check=True).stdout
    sizes = {}
    group = None
    for line in cfg.splitlines():
        m = re.match(r"^([a-z_]+) = \{$", line)
        if m:
            group = m.group(1)
            continue
        m = re.match(r"^  ([a-z_0-9]+) = (.*);$", line)
        if m and group:
            sizes[f"{group}.{m.group(1)}"] = m.group(2).count(",") + 1 if m.group(2).startswith("[") else 0
    for line in out.splitlines():
        m = ROW.match(line)
        if not m or m.group(1) not in sizes:
            continue
        name, hi = m.group(1), float(m.group(3))
        group, key = name.split(".", 1)
        n = sizes[name]
        above = repr(float(hi) * 2 + 1 if hi >= 0 else 0.0)
        def value(v):
            return "[" + ", ".join([v] * n) + "]" if n else v
        text = f"{group} = {{ {key} = {value(above)}; }};\n"
        cases.append(("registry: above range", name, {"s.cfg": text}, RUN, 2, ["s.cfg:1", name]))
        text = f'{group} = {{ {key} = {value(chr(34) + "x" + chr(34))}; }};\n'
        cases.append(("registry: wrong type", name, {"s.cfg": text}, RUN, 2, ["s.cfg:1", name, "wrong type"]))
    return cases


def run_case(wijksim, files, command):
    d = tempfile.mkdtemp(prefix="bad.", dir=os.environ.get("TEST_TMP"))
    try:
        with open(os.path.join(d, "base.cfg"), "w") as f:
            f.write(BASE)
        files = dict(files)
        files.setdefault("s.cfg", '@include "base.cfg"\n')
        for name, text in files.items():
            path = os.path.join(d, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if text is None:
                os.mkfifo(path)
            else:
                with open(path, "wb") as f:
                    f.write(text if isinstance(text, bytes) else text.encode())
        before = {p: os.stat(os.path.join(d, p)).st_mtime_ns for p in _walk(d)}
        env = dict(os.environ, SOURCE_DATE_EPOCH="0")
        try:
            p = subprocess.run([wijksim] + command, cwd=d, capture_output=True, timeout=60, env=env)
            rc, err = p.returncode, p.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            rc, err = "timeout", ""
        after = {p: os.stat(os.path.join(d, p)).st_mtime_ns for p in _walk(d)}
        left = sorted(set(after) - set(before))
        changed = sorted(p for p in before if p in after and after[p] != before[p])
        gone = sorted(set(before) - set(after))
        return rc, err, left, changed, gone
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _walk(d):
    for root, dirs, names in os.walk(d):
        for n in dirs + names:
            yield os.path.relpath(os.path.join(root, n), d)


def markdown(cases, nreg):
    out = ["| # | class | case | command | exit | the message names |", "|---|---|---|---|---|---|"]
    for i, (cls, name, _, cmd, rc, words) in enumerate(cases, 1):
        shown = " ".join(a if a else '""' for a in cmd) or "(none)"
        out.append(f"| {i} | {cls} | {name} | `wijksim {shown}` | {rc} | "
                   + ", ".join(f"`{w}`" for w in words).replace("|", "\\|") + " |")
    out += ["", f"Besides these {len(cases)} cases, every parameter of the registry is tried with a value "
            f"above its range and with a text where a number belongs ({nreg} cases at this commit, "
            "from `wijksim params`): exit 2, the message names file, line and parameter, nothing "
            "written."]
    return "\n".join(out)


def main():
    wijksim = os.path.abspath(sys.argv[1])
    reg = registry_cases(wijksim)
    if "--markdown" in sys.argv:
        print(markdown(CASES, len(reg)))
        return 0
    failed = 0
    for cls, name, files, command, want, words in CASES + reg:
        rc, err, left, changed, gone = run_case(wijksim, files, command)
        label = f"bad input [{cls}] {name}"
        problems = []
        if rc != want:
            problems.append(f"exit status {rc}, expected {want}")
        missing = [w for w in words if w not in err]
        if missing:
            problems.append(f"message lacks {missing}")
        if "Traceback" in err or "Segmentation" in err:
            problems.append("a crash")
        if left or changed or gone:
            problems.append(f"left behind {left}, changed {changed}, removed {gone}")
        if problems:
            failed += 1
            print(f"FAIL {label}: {'; '.join(problems)}; stderr: {err.strip()[:200]}")
        else:
            print(f"PASS {label}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
