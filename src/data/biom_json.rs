//! BIOM 1.0 (JSON) feature tables, as written by older QIIME and `biom convert --to-json`.

use serde_json::Value;

use super::parts::FileCtx;
use super::parts::Parts;
use super::taxonomy::keep_table_lineage;

/// Read a BIOM 1.0 JSON table; returns (features, samples).
pub fn read(bytes: &[u8], ctx: &FileCtx, parts: &mut Parts) -> Result<(usize, usize), String> {
    let json: Value =
        serde_json::from_slice(bytes).map_err(|e| crate::i18n::trf("not valid JSON ({e})", &[("e", &e)]))?;
    let ids = |key: &str| -> Result<Vec<String>, String> {
        json.get(key)
            .and_then(Value::as_array)
            .ok_or_else(|| crate::i18n::trf("not a BIOM table: no `{key}` list", &[("key", &key)]))?
            .iter()
            .map(|e| {
                e.get("id")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| crate::i18n::trf("a `{key}` entry has no id", &[("key", &key)]))
            })
            .collect()
    };
    let feature_ids = ids("rows")?;
    let sample_ids = ids("columns")?;
    let (nf, ns) = (feature_ids.len(), sample_ids.len());
    let data = json
        .get("data")
        .and_then(Value::as_array)
        .ok_or(crate::i18n::tr("not a BIOM table: no `data`"))?;
    let sparse = json.get("matrix_type").and_then(Value::as_str) == Some("sparse");
    let mut values = super::microbiome::zeroed(ns, nf)?;
    for (i, entry) in data.iter().enumerate() {
        let entry = entry
            .as_array()
            .ok_or(crate::i18n::tr("BIOM `data` entries must be lists"))?;
        if sparse {
            let get = |k: usize| entry.get(k).and_then(Value::as_f64);
            let (Some(r), Some(c), Some(v)) = (get(0), get(1), get(2)) else {
                return Err(crate::i18n::tr("a sparse BIOM entry is not [row, column, value]").to_owned());
            };
            let (r, c) = (r as usize, c as usize);
            if r >= nf || c >= ns {
                return Err(crate::i18n::trf(
                    "BIOM entry [{r}, {c}] is outside the {nf} × {ns} table",
                    &[("r", &r), ("c", &c), ("nf", &nf), ("ns", &ns)],
                ));
            }
            values[c * nf + r] = v;
        } else {
            for (c, v) in entry.iter().enumerate().take(ns) {
                if i < nf {
                    values[c * nf + i] = v.as_f64().unwrap_or(0.0);
                }
            }
        }
    }
    if let Some(rows) = json.get("rows").and_then(Value::as_array) {
        for (f, row) in rows.iter().enumerate() {
            match row.pointer("/metadata/taxonomy") {
                Some(Value::Array(a)) => keep_table_lineage(parts, &feature_ids[f], a.iter().filter_map(Value::as_str)),
                Some(Value::String(s)) => keep_table_lineage(parts, &feature_ids[f], [s.as_str()]),
                _ => {}
            }
        }
    }
    super::microbiome::push_table(sample_ids, feature_ids, values, ctx, parts);
    Ok((nf, ns))
}
