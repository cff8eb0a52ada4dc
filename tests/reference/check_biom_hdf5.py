"""Check our BIOM 2.1 (HDF5) reader against h5py, an independent HDF5 reader (libhdf5).

Usage (h5py in a venv under /tmp):
    cohort-explorer export --table samples --out /tmp/biom_samples.csv FILE.biom
    python check_biom_hdf5.py FILE.biom /tmp/biom_samples.csv

Compares, for every sample, read depth and observed features; prints the mismatches (none
expected). On moving-pictures' feature-table.biom: 34 samples, 770 features, 0 mismatches.
"""
import csv
import sys

import h5py

biom, exported = sys.argv[1], sys.argv[2]
f = h5py.File(biom, "r")
ids = [s.decode() if isinstance(s, bytes) else s for s in f["sample/ids"][:]]
indptr = f["sample/matrix/indptr"][:]
data = f["sample/matrix/data"][:]
ref = {}
for i, s in enumerate(ids):
    values = data[indptr[i] : indptr[i + 1]]
    ref[s] = (float(values.sum()), int((values > 0).sum()))
rows = list(csv.DictReader(open(exported)))
bad = [
    r["sample_id"]
    for r in rows
    if abs(float(r["read_depth"]) - ref[r["sample_id"]][0]) > 1e-9
    or int(float(r["observed_features"])) != ref[r["sample_id"]][1]
]
print(f"{len(rows)} samples, {len(f['observation/ids'])} features; mismatches: {bad}")
sys.exit(1 if bad or len(rows) != len(ids) else 0)
