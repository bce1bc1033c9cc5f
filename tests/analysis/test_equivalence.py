"""tests/engine/equivalence.py: Holm's correction against values worked out by hand, and the
check on synthetic comparison files: the same distributions pass, a shifted mean fails, a
constant outcome must keep its value."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tests" / "engine" / "equivalence.py"
spec = importlib.util.spec_from_file_location("equivalence", SCRIPT)
eq = importlib.util.module_from_spec(spec)
spec.loader.exec_module(eq)


def test_holm_by_hand():
    # sorted 0.01, 0.03, 0.04 -> 3 x 0.01, max(0.03, 2 x 0.03), max(0.06, 1 x 0.04)
    assert np.allclose(eq.holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])
    assert np.allclose(eq.holm([0.5, 0.9]), [1.0, 1.0])


def comparison(path, values):
    """A comparison file as wijksim writes one, for the parts the script reads:
    values {label: [replicate, outcome]} at one horizon (10)."""
    with h5py.File(path, "w") as f:
        for i, (label, v) in enumerate(values.items()):
            g = f.create_group(f"scenarios/{i:02d}_{label}")
            g.attrs["label"] = label
            d = g.create_dataset("outcomes", data=np.asarray(v, float)[:, None, :])
            d.attrs["outcome_names"] = "cost_total,unmet_need,constant"
            d.attrs["horizon_years"] = np.array([10])


def run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True,
                          text=True)


def sample(rng, n, shift=0.0, constant=3.0):
    return np.column_stack([rng.normal(100 + shift, 5, n), rng.normal(50, 2, n), np.full(n, constant)])


def test_check_passes_the_same_distribution_and_fails_a_shift(tmp_path):
    rng = np.random.default_rng(7)
    comparison(tmp_path / "a.h5", {"base": sample(rng, 40), "cut": sample(rng, 40, 10)})
    r = run("record", tmp_path / "a.h5", tmp_path / "fix.json", "--command", "test")
    assert r.returncode == 0, r.stderr
    comparison(tmp_path / "b.h5", {"base": sample(rng, 40), "cut": sample(rng, 40, 10)})
    assert run("check", tmp_path / "b.h5", tmp_path / "fix.json").returncode == 0
    # a shift of one standard deviation in one outcome of one scenario: 40 replicates find it
    comparison(tmp_path / "c.h5", {"base": sample(rng, 40, 5), "cut": sample(rng, 40, 10)})
    r = run("check", tmp_path / "c.h5", tmp_path / "fix.json")
    assert r.returncode == 1 and "DIFFERS base" in r.stdout and "cost_total" in r.stdout
    # a constant outcome that changes value is a difference however small
    comparison(tmp_path / "d.h5", {"base": sample(rng, 40, constant=3.5), "cut": sample(rng, 40, 10)})
    r = run("check", tmp_path / "d.h5", tmp_path / "fix.json")
    assert r.returncode == 1 and "constant" in r.stdout


def test_too_few_replicates_are_refused(tmp_path):
    rng = np.random.default_rng(1)
    comparison(tmp_path / "a.h5", {"base": sample(rng, 10)})
    r = run("record", tmp_path / "a.h5", tmp_path / "fix.json")
    assert r.returncode != 0 and "at least 30" in r.stderr
