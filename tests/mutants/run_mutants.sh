#!/usr/bin/env bash
# Mutation testing (`make mutants`): each mutant of tests/mutants/mutants.txt, a deliberate
# break of the model, is built in a copy of the tree without MPI and must be killed by the
# tests it names. Two at a time; a summary at the end; non-zero status if any mutant
# survived, is stale (its find text no longer occurs exactly once) or does not compile.
#   tests/mutants/run_mutants.sh            all mutants
#   tests/mutants/run_mutants.sh ID [ID..]  only these
# The work is done by mutants.py (Debian's python3, standard library only); see its header
# for MUTANTS_JOBS, MUTANTS_TIMEOUT and MUTANTS_KEEP.
set -u
exec /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/mutants.py" "$@"
