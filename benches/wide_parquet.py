"""Write a wide clinical Parquet table for the larger-than-memory check (README, issue 14).

Takes a visits CSV (e.g. `cohort-explorer demo --subjects 100000 --out DIR` then
DIR/visits.csv) and writes its columns plus LABS random lab columns and a free-text note,
in row groups of 65,536 rows, so the file is far larger than the few columns the app reads.

    python benches/wide_parquet.py DIR/visits.csv wide.parquet --labs 250
"""

import argparse

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("visits_csv")
    parser.add_argument("out")
    parser.add_argument("--labs", type=int, default=250)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    # Every column as text, as the CSV has it (NA stays NA), so the app reads the same values.
    visits = pacsv.read_csv(
        args.visits_csv,
        convert_options=pacsv.ConvertOptions(column_types={}, strings_can_be_null=False, auto_dict_encode=False),
        read_options=pacsv.ReadOptions(autogenerate_column_names=False),
    )
    visits = visits.cast(pa.schema([pa.field(f.name, pa.string()) for f in visits.schema]))
    rng = np.random.default_rng(args.seed)
    group = 65_536
    schema = pa.schema(
        [pa.field(n, pa.string()) for n in visits.column_names]
        + [pa.field(f"lab_{i:03}", pa.float64()) for i in range(1, args.labs + 1)]
        + [pa.field("notes", pa.string())]
    )
    with pq.ParquetWriter(args.out, schema, compression="snappy") as writer:
        for start in range(0, visits.num_rows, group):
            part = visits.slice(start, group)
            n = part.num_rows
            labs = [pa.array(rng.normal(100.0, 15.0, n)) for _ in range(args.labs)]
            notes = pa.array([f"visit note {start + i}: " + "stable, no change in medication. " * 3 for i in range(n)])
            writer.write_table(pa.Table.from_arrays(part.columns + labs + [notes], schema=schema))


if __name__ == "__main__":
    main()
