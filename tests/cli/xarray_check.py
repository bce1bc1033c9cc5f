#!/usr/bin/env python3
"""Checks that a wijksim file opens as researchers' tools open it, for tests/cli/test_output.sh.

    xarray_check.py FILE LABEL

Opens every group of FILE (a run, comparison or sweep file) with xarray and h5netcdf, as
`xarray.open_dataset(FILE, engine="h5netcdf", group=G)` does, and checks: every dimension is
named (never netCDF's "phony_dim_N") and has a coordinate with the values docs/output.md gives
(weeks 0 .. weeks-1, replicates or runs, neighbourhoods, domain names, severities 0-4, horizon
years, outcome and factor names); every series' dimensions are its `dims` attribute. Walking
the file with h5py: every dataset has `units`; every text attribute, text dataset and text
field is UTF-8 (text datasets of variable length); the counts at the root and in scenario
groups are scalars, not arrays of one value; a sweep's run-table columns are identifiers
(`team_fte`) whose parameter (`team.fte`) /columns keeps.

Prints one line per check, "PASS name" or "FAIL name: why", and exits 0 (the shell script
counts the FAIL lines); it exits 2 only when it cannot import what it needs.
"""
import sys

try:
    import h5py
    import numpy as np
    import xarray as xr
except ImportError as e:
    print(f"xarray_check.py: {e} (apt-get install python3-xarray python3-h5netcdf)", file=sys.stderr)
    sys.exit(2)

ARRAYS = {"horizon_years", "steady_state_drift", "plausible_range_factor"}  # lists, kept arrays
COUNTS = {"seed", "replicates", "weeks", "burn_in_weeks", "neighbourhoods", "teams", "scenarios",
          "points", "runs", "runs_in_file", "index", "shares_history_with", "branch_week"}


def report(name, ok, why=""):
    print(f"PASS {name}" if ok else f"FAIL {name}: {why}")


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def attrs_above(f, group):
    """The attributes of the root, overridden by those of the groups down to group (a
    comparison's scenario group holds its own weeks and neighbourhoods)."""
    a, path = dict(f.attrs), ""
    for part in [p for p in group.split("/") if p]:
        path += "/" + part
        a.update(f[path].attrs)
    return a


def expected_coords(f, group):
    """The values each coordinate must have in group (a path), from the attributes."""
    a = attrs_above(f, group)
    want = {"week": np.arange(int(a["weeks"])),
            "domain": text(a["domain_names"]).split(","),
            "severity": np.arange(len(text(a["severity_names"]).split(",")))}
    if "neighbourhoods" in a:  # not at a comparison's root, which holds no coordinates
        want["neighbourhood"] = np.arange(int(a["neighbourhoods"]))
    if text(a["kind"]) == "sweep":
        want["run"] = np.arange(int(a["runs"]))
        want["point"] = np.arange(int(a["points"]))
        want["factor"] = [c["name"].decode() for c in f["columns"][()] if c["kind"] == b"factor"]
        want["column"] = list(f["runs"].dtype.names)
    else:
        want["replicate"] = np.arange(int(a["replicates"]))
    if "outcomes" in f[group]:
        o = f[group]["outcomes"]
        want["horizon"] = np.atleast_1d(o.attrs["horizon_years"])
        want["outcome"] = text(o.attrs["outcome_names"]).split(",")
    return want


def open_groups(path, label):
    f = h5py.File(path, "r")
    groups = ["/"]
    f.visititems(lambda n, o: groups.append(n) if isinstance(o, h5py.Group) else None)
    opened, named, valued, dims_attr = 0, [], [], []
    for g in groups:
        try:
            ds = xr.open_dataset(path, engine="h5netcdf", group=g)
        except Exception as e:  # noqa: BLE001: any failure is the finding
            report(f"{label}: xarray opens group {g}", False, f"{type(e).__name__}: {e}")
            continue
        opened += 1
        want = expected_coords(f, g)
        for dim, size in ds.sizes.items():
            if "phony_dim" in dim:
                named.append(f"{g}:{dim}")
            if dim not in ds.coords or ds[dim].size != size:
                valued.append(f"{g}:{dim} (no coordinate)")
            elif dim in want:
                got = [text(v) for v in ds[dim].values] if ds[dim].dtype.kind in "OSU" else ds[dim].values
                if not np.array_equal(np.asarray(got), np.asarray(want[dim])):
                    valued.append(f"{g}:{dim} = {list(got)[:4]}, expected {list(want[dim])[:4]}")
        for name, v in ds.data_vars.items():
            d = f[g][name] if g != "/" else f[name]
            if v.ndim and tuple(v.dims) != tuple(text(d.attrs.get("dims", "")).split(",")):
                dims_attr.append(f"{g}/{name}: {v.dims} against {text(d.attrs.get('dims', ''))}")
        ds.close()
    report(f"{label}: xarray (h5netcdf) opens all {len(groups)} groups", opened == len(groups) and opened > 1,
           f"{opened} opened")
    report(f"{label}: every dimension is named (no phony_dim)", not named and opened, f"{named[:5]}")
    report(f"{label}: every dimension has a coordinate with the documented values", not valued and opened,
           f"{valued[:5]}")
    report(f"{label}: every variable's dimensions are its dims attribute", not dims_attr and opened,
           f"{dims_attr[:5]}")
    return f


def utf8(type_id):
    """True when a string type (or every string field of a compound) is UTF-8."""
    if isinstance(type_id, h5py.h5t.TypeCompoundID):
        return all(utf8(type_id.get_member_type(i)) for i in range(type_id.get_nmembers()))
    if isinstance(type_id, h5py.h5t.TypeStringID):
        return type_id.get_cset() == h5py.h5t.CSET_UTF8
    return True


def walk(f, label):
    objects = [("/", f)]
    f.visititems(lambda n, o: objects.append((n, o)))
    no_units, not_utf8, vlen, arrays, counts = [], [], [], [], 0
    for name, o in objects:
        if isinstance(o, h5py.Dataset):
            if "units" not in o.attrs:
                no_units.append(name)
            t = o.id.get_type()
            if not utf8(t):
                not_utf8.append(name)
            if isinstance(t, h5py.h5t.TypeStringID) and not t.is_variable_str():
                vlen.append(name)
        for k in o.attrs:
            if k in ("DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME"):
                continue  # HDF5's dimension-scale attributes, ASCII by its standard
            aid = h5py.h5a.open(o.id, k.encode())
            if not utf8(aid.get_type()):
                not_utf8.append(f"{name}@{k}")
            if k in COUNTS and isinstance(o, h5py.Group):
                counts += 1
                if aid.shape != ():
                    arrays.append(f"{name}@{k} shape {aid.shape}")
            elif aid.shape == (1,) and k not in ARRAYS:
                arrays.append(f"{name}@{k} shape (1,)")
    ndatasets = sum(isinstance(o, h5py.Dataset) for _, o in objects)
    report(f"{label}: every one of the {ndatasets} datasets has units", not no_units and ndatasets,
           f"missing on {no_units[:5]}")
    report(f"{label}: text attributes, text datasets and text fields are UTF-8", not not_utf8,
           f"not UTF-8: {not_utf8[:5]}")
    report(f"{label}: text datasets are of variable length", not vlen, f"fixed: {vlen[:5]}")
    report(f"{label}: single values are scalars ({counts} counts checked)", not arrays and counts >= 4,
           f"arrays: {arrays[:5]}")
    if "runs" in f:
        names = f["runs"].dtype.names
        bad = [n for n in names if not n.isidentifier()]
        report(f"{label}: run-table columns are identifiers (pandas df.NAME, df.query)", not bad and names,
               f"not identifiers: {bad}")
        cols = {c["name"].decode(): c for c in f["columns"][()]}
        factors = [n for n, c in cols.items() if c["kind"] == b"factor"]
        kept = all(cols[n]["parameter"].decode().replace(".", "_").replace("[", "_").rstrip("]") == n
                   and "." in cols[n]["parameter"].decode() for n in factors)
        report(f"{label}: /columns keeps each factor's parameter name ({len(factors)} factors)",
               kept and factors, f"{[(n, cols[n]['parameter']) for n in factors]}")


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        f = open_groups(argv[1], argv[2])
        walk(f, argv[2])
    except (OSError, KeyError) as e:
        print(f"FAIL xarray_check {argv[2]}: cannot read {argv[1]}: {e!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
