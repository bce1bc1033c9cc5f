"""analysis/fit.py: the severity orderings a fitted point must keep (the registry is read
from core/params.def itself, so a change of a default's ordering shows here)."""
import importlib.util
import math
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "analysis"))
_spec = importlib.util.spec_from_file_location("fit", REPO / "analysis" / "fit.py")
fit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fit)

REG = fit.registry()


def factor(name, element=None):
    return {"name": name, "element": element, "min": 0.0, "max": 1.0, "distribution": "uniform"}


def test_registry_reads_every_parameter_with_its_description():
    text = (REPO / "core" / "params.def").read_text()
    assert len(REG) == text.count("\nPARAM(")
    assert "severity" in REG["informal.need_hours"]["description"]


def test_a_rising_severity_vector_must_keep_rising():
    design = [factor("informal.need_hours", 2), factor("informal.need_hours", 3)]
    orders = fit.severity_orders(design, REG)
    assert [o[0] for o in orders] == ["informal.need_hours"]
    low, high = REG["informal.need_hours"]["defaults"][0], REG["informal.need_hours"]["defaults"][3]
    assert fit.inverts([low + 1, high - 1], orders) is None
    assert fit.inverts([high - 1, low + 1], orders) == "informal.need_hours"  # severe < moderate
    assert fit.inverts([low - 1, high - 1], orders) == "informal.need_hours"  # moderate < light
    assert fit.inverts([low + 1, high + 1], orders) == "informal.need_hours"  # severe > crisis


def test_a_falling_severity_vector_must_keep_falling():
    d = REG["needs.escalation_rate"]["defaults"]
    assert d[0] > d[1] > d[2]
    orders = fit.severity_orders([factor("needs.escalation_rate", 2)], REG)
    assert orders and orders[0][1] == -1
    assert fit.inverts([(d[0] + d[2]) / 2], orders) is None
    assert fit.inverts([d[0] * 1.5], orders) == "needs.escalation_rate"


def test_vectors_by_domain_and_scalars_are_free():
    design = [factor("needs.onset_0_17", 4), factor("informal.willingness")]
    assert fit.severity_orders(design, REG) == []
    # A vector by domain stays free even where its description speaks of severity and its
    # default happens to be monotone.
    reg = dict(REG, **{"x.by_domain": dict(REG["needs.onset_0_17"], defaults=[1, 2, 3, 4, 5, 6],
                                             description="by domain, for needs of severity 2")})
    assert fit.severity_orders([factor("x.by_domain", 2)], reg) == []


def test_an_inverted_point_gets_an_infinite_loss_and_ranks_last():
    design = [factor("informal.need_hours", 2), factor("informal.need_hours", 3)]
    orders = fit.severity_orders(design, REG)
    target = {"lo": 0.0, "hi": 1.0}
    rows = [{"stage": 1, "point": 0, "values": [30.0, 20.0], "means": {1: 0.5}},
            {"stage": 1, "point": 1, "values": [10.0, 20.0], "means": {1: 5.0}}]
    result = fit.score([{"rows": rows}], [(1, target)], orders)
    assert math.isinf(rows[0]["loss"]) and rows[0]["inverted"] == "informal.need_hours"
    assert math.isfinite(rows[1]["loss"]) and rows[1]["loss"] > 0
    assert [r["point"] for r in result["ranked"]] == [1, 0]


def test_only_keeps_the_listed_targets_with_their_own_ranges():
    chosen = fit.target_table(None, [4, 12])
    assert [i for i, _ in chosen] == [4, 12]
    for i, t in chosen:
        assert t is fit.cal.TARGETS[i - 1]  # the calibration's own target, range and measure


def test_only_names_a_target_that_does_not_exist():
    try:
        fit.target_table(None, [4, len(fit.cal.TARGETS) + 1])
    except fit.FitError as e:
        assert f"no target numbered {len(fit.cal.TARGETS) + 1}" in str(e)
    else:
        raise AssertionError("an unknown target number was accepted")


def test_only_list_parses_numbers_and_refuses_anything_else():
    assert fit.only_list("4,5,12") == [4, 5, 12]
    for bad in ("", "4,,5", "four", "0", "-3"):
        try:
            fit.only_list(bad)
        except fit.argparse.ArgumentTypeError:
            continue
        raise AssertionError(f"--only accepted {bad!r}")


def test_loss_of_sums_squared_distances_of_comparable_targets_only():
    targets = [(1, {"lo": 10.0, "hi": 20.0}), (2, {"lo": 0.0, "hi": 1.0}),
               (3, {"lo": 5.0, "hi": 6.0})]
    means = {1: 15.0, 2: 3.0, 3: float("nan")}
    # target 1 inside (0), target 2 two widths above (4), target 3 not comparable
    assert fit.loss_of(means, targets, [1, 2]) == 4.0
    assert fit.loss_of({1: 5.0, 2: 1.0, 3: 5.5}, targets, [1, 2, 3]) == 0.25
    # a comparable target without a value makes the loss infinite
    assert math.isinf(fit.loss_of(means, targets, [1, 2, 3]))


def test_a_target_with_a_stated_reason_stays_out_of_the_loss_unless_named():
    free = {"lo": 0.0, "hi": 1.0}
    reasoned = {"lo": 10.0, "hi": 11.0, "reason": "prices are a city's, not the nation's"}
    # point 0 meets the free target, point 1 misses it by a width but lies closer to the
    # reasoned one: only the free target may choose between them
    rows = [{"stage": 1, "point": 0, "values": [1.0], "means": {1: 0.5, 2: 2.0}},
            {"stage": 1, "point": 1, "values": [2.0], "means": {1: 2.0, 2: 9.0}}]
    result = fit.score([{"rows": rows}], [(1, free), (2, reasoned)])
    assert result["comparable"] == [1]
    assert [r["point"] for r in result["ranked"]] == [0, 1]
    assert rows[0]["loss"] == 0.0 and rows[1]["loss"] == 1.0
    named = fit.score([{"rows": [dict(r) for r in rows]}], [(1, free), (2, reasoned)], named=[2])
    assert named["comparable"] == [1, 2]
    assert [r["point"] for r in named["ranked"]] == [1, 0]



def test_local_stage_one_runs_the_box_around_the_defaults_it_reports(tmp_path):
    spec = fit.REPO_DIR / "scenarios" / "sweeps" / "calibration_informal.cfg"
    text = spec.read_text()
    design = fit.spec_factors(text, str(spec))
    defaults = fit.check_design(design, fit.registry(), str(spec))
    args = fit.argparse.Namespace(out_dir=str(tmp_path), spec=str(spec), weeks=52, burn_in=52,
                                  population=1000, neighbourhoods=1, points=5, replicates=1,
                                  seed=1, local=0.15, zoom=0.25)
    box = fit.zoom(design, defaults, 0.15)
    written = fit.prepare(args, text, 1, box)["fit"]
    ran = fit.spec_factors(written.read_text(), str(written))
    for f, b, d in zip(ran, box, defaults):
        assert math.isclose(f["min"], b["min"], rel_tol=1e-6) and math.isclose(f["max"], b["max"], rel_tol=1e-6)
        assert f["min"] <= d <= f["max"]
    # the box is narrower than the registry range for a factor whose default is inside it
    assert any(f["max"] / f["min"] < g["max"] / g["min"] * 0.9 for f, g in zip(ran, design))
    # the later stages halve it
    assert fit.half_width(args, 2) == 0.075 and fit.half_width(args, 3) == 0.0375


def test_verification_chooses_by_the_rerun_loss_and_may_keep_the_defaults():
    target = {"lo": 0.0, "hi": 1.0}
    result = {"comparable": [1],
              "candidates": [{"label": "2.1", "values": [1.0], "loss": 0.0},
                             {"label": "1.4", "values": [2.0], "loss": 0.5},
                             {"label": "registry defaults", "values": None, "loss": 1.0}]}
    # the fit's best point (loss 0 on one replicate) misses with more replicates
    rows, chosen = fit.verify(result, [(1, target)], [{1: 3.0}, {1: 1.5}, {1: 2.0}])
    assert chosen == 1 and rows[1]["verified_loss"] == 0.25 and rows[0]["verified_loss"] == 4.0
    rows, chosen = fit.verify(result, [(1, target)], [{1: 3.0}, {1: 2.5}, {1: 0.5}])
    assert rows[chosen]["values"] is None
    # ties go to the earlier candidate
    rows, chosen = fit.verify(result, [(1, target)], [{1: 0.5}, {1: 0.2}, {1: 0.9}])
    assert chosen == 0
