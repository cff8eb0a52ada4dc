//! The study coordinator's workflow from the command line: a review file that follows findings
//! through a re-export, queries to sites and their answers read back, gating on new problems,
//! and two freezes compared (a held-out pair with planted changes, and a bare re-export).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cohort-explorer"))
        .args(args)
        .env("LANG", "C")
        .output()
        .expect("run cohort-explorer")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The demo of `subjects` subjects (clean, or with planted problems) written to `dir`.
fn demo(dir: &Path, subjects: usize, messy: bool) {
    let n = subjects.to_string();
    let mut args = vec!["demo", "--out", s(dir), "--subjects", &n];
    if messy {
        args.push("--messy");
    }
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A table file's lines: the header block (the first line and any `#` lines under it), rows.
fn split(text: &str) -> (Vec<String>, Vec<String>) {
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut head = 1;
    while head < lines.len() && lines[head].starts_with('#') {
        head += 1;
    }
    (lines[..head].to_vec(), lines[head..].to_vec())
}

/// Write every table of `from` into `to` as a re-export would: rows in another order, CRLF line
/// ends, a BOM, whole numbers as `47.0`, the subjects table in UTF-16; `edit` changes a file's
/// rows first (by file name).
/// Changes a file's (header block, rows) by its name.
type Edit<'a> = &'a dyn Fn(&str, &mut Vec<String>, &mut Vec<String>);

fn reexport(from: &Path, to: &Path, edit: Edit<'_>) {
    std::fs::create_dir_all(to).expect("folder");
    for entry in std::fs::read_dir(from).expect("folder") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).expect("name").to_owned();
        let bytes = std::fs::read(&path).expect("file");
        let Ok(text) = String::from_utf8(bytes.clone()) else {
            // A file in another encoding (the messy demo's Latin-1) is copied as it is.
            std::fs::write(to.join(&name), bytes).expect("copy");
            continue;
        };
        let text = text.trim_start_matches('\u{feff}');
        let (mut head, mut rows) = split(text);
        edit(&name, &mut head, &mut rows);
        let sep = sep_of(&head);
        // Another order: by a hash of each row (FNV-1a).
        let hash = |row: &String| {
            row.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            })
        };
        rows.sort_by_key(hash);
        let shuffled: Vec<String> = rows
            .iter()
            .map(|row| {
                if row.contains('"') {
                    return row.clone();
                }
                row.split(sep)
                    .map(|cell| {
                        if !cell.is_empty() && cell.bytes().all(|b| b.is_ascii_digit()) && cell.len() < 6 {
                            // A semicolon-separated file writes decimal commas.
                            format!("{cell}{}", if sep == ';' { ",0" } else { ".0" })
                        } else {
                            cell.to_owned()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(&sep.to_string())
            })
            .collect();
        let out = format!("\u{feff}{}\r\n{}\r\n", head.join("\r\n"), shuffled.join("\r\n"));
        // The subjects table saved as Excel's "Unicode" (UTF-16LE, its BOM first).
        let bytes: Vec<u8> = if name == "subjects.csv" {
            out.encode_utf16().flat_map(u16::to_le_bytes).collect()
        } else {
            out.into_bytes()
        };
        std::fs::write(to.join(&name), bytes).expect("write");
    }
}

/// The separator of a table: tab, semicolon or comma, whichever its header has most of.
fn sep_of(head: &[String]) -> char {
    let line = head.last().map_or("", String::as_str);
    ['\t', ';', ',']
        .into_iter()
        .max_by_key(|c| line.matches(*c).count())
        .unwrap_or(',')
}

fn column(head: &[String], sep: char, name: &str) -> usize {
    head.iter()
        .find_map(|line| line.split(sep).position(|h| h == name))
        .unwrap_or_else(|| panic!("no column {name} in {head:?}"))
}

fn cells(row: &str, sep: char) -> Vec<String> {
    row.split(sep).map(str::to_owned).collect()
}

#[test]
fn a_reexport_of_the_same_data_shows_no_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    demo(&old, 30, false);
    reexport(&old, &new, &|_, _, _| {});
    let o = run(&["diff", s(&old), s(&new)]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("No change."), "{}", stdout(&o));
}

#[test]
fn a_held_out_pair_of_freezes_names_each_planted_change_and_no_unchanged_subject() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (old, new) = (dir.path().join("2026-10"), dir.path().join("2026-11"));
    demo(&old, 40, false);
    // The planted changes, read from the old freeze's own rows.
    let visits = std::fs::read_to_string(old.join("visits.csv")).expect("visits");
    let (head, rows) = split(&visits);
    let (subj, date, total) = (
        column(&head, ',', "subject_id"),
        column(&head, ',', "visit_date"),
        column(&head, ',', "alsfrs_r_total"),
    );
    let ids: Vec<String> = rows.iter().map(|r| cells(r, ',')[subj].clone()).collect();
    let first = |id: &str| rows.iter().position(|r| cells(r, ',')[subj] == id).expect("a row");
    let subjects: Vec<String> = ids.iter().cloned().collect::<BTreeSet<_>>().into_iter().collect();
    let (gone, edited, dropped_visit, grown) = (
        subjects[1].clone(),
        subjects[2].clone(),
        subjects[3].clone(),
        subjects[4].clone(),
    );
    let edited_row = cells(&rows[first(&edited) + 1], ',');
    let edited_date = edited_row[date].clone();
    let old_total: f64 = edited_row[total].parse().expect("a total");
    let new_total = format!("{}", old_total - 3.0);
    let dropped_date = cells(&rows[first(&dropped_visit) + 2], ',')[date].clone();
    let new_subject = "NEW-0001".to_owned();
    let (g, e, d, nt, ns, gr, dv) = (
        &gone,
        &edited,
        &dropped_date,
        &new_total,
        &new_subject,
        &grown,
        &dropped_visit,
    );
    reexport(&old, &new, &|name, head, rows| {
        let sep = sep_of(head);
        match name {
            "visits.csv" => {
                let subj = column(head, sep, "subject_id");
                let date = column(head, sep, "visit_date");
                let total = column(head, sep, "alsfrs_r_total");
                // A subject withdrawn, one visit dropped, one value corrected, one visit and
                // one subject added.
                rows.retain(|r| {
                    let c = cells(r, sep);
                    c[subj] != *g && !(c[subj] == *dv && c[date] == *d)
                });
                let mut added = None;
                for r in rows.iter_mut() {
                    let mut c = cells(r, sep);
                    if c[subj] == *e && c[date] == edited_date {
                        c[total] = nt.clone();
                        *r = c.join(&sep.to_string());
                    }
                    if c[subj] == *gr {
                        added = Some(c);
                    }
                }
                let mut visit = added.expect("a visit to copy");
                visit[date] = "2030-01-15".to_owned();
                rows.push(visit.join(&sep.to_string()));
                let mut newcomer = cells(&rows[0], sep);
                newcomer[subj] = ns.clone();
                rows.push(newcomer.join(&sep.to_string()));
            }
            "subjects.csv" => {
                let subj = column(head, sep, "subject_id");
                rows.retain(|r| cells(r, sep)[subj] != *g);
                let mut newcomer = cells(&rows[0], sep);
                newcomer[subj] = ns.clone();
                rows.push(newcomer.join(&sep.to_string()));
            }
            "sample-metadata.tsv" => {
                let subj = column(head, sep, "subject_id");
                rows.retain(|r| cells(r, sep)[subj] != *g);
            }
            _ => {}
        }
    });
    // The withdrawn subject's samples leave the feature table too.
    let meta = std::fs::read_to_string(old.join("sample-metadata.tsv")).expect("metadata");
    let (mhead, mrows) = split(&meta);
    let msubj = column(&mhead, '\t', "subject_id");
    let gone_samples: BTreeSet<String> = mrows
        .iter()
        .map(|r| cells(r, '\t'))
        .filter(|c| c[msubj] == gone)
        .map(|c| c[0].clone())
        .collect();
    let table = std::fs::read_to_string(new.join("feature-table.tsv")).expect("table");
    let lines: Vec<&str> = table.trim_start_matches('\u{feff}').split("\r\n").collect();
    let header_at = lines.iter().position(|l| l.starts_with("#OTU ID")).expect("header");
    let keep: Vec<bool> = lines[header_at]
        .split('\t')
        .map(|h| !gone_samples.contains(h))
        .collect();
    let pruned: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i < header_at || l.is_empty() {
                return (*l).to_owned();
            }
            l.split('\t')
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(c, _)| c)
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect();
    std::fs::write(
        new.join("feature-table.tsv"),
        format!("\u{feff}{}", pruned.join("\r\n")),
    )
    .expect("write");

    let o = run(&["diff", s(&old), "--against", s(&new), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(json["subjects_added"], serde_json::json!([new_subject]));
    assert_eq!(json["subjects_removed"], serde_json::json!([gone]));
    let visits = |key: &str| -> BTreeSet<(String, String)> {
        json[key]
            .as_array()
            .expect("visits")
            .iter()
            .map(|v| {
                (
                    v["subject"].as_str().unwrap_or("").to_owned(),
                    v["visit"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    };
    assert!(visits("visits_removed").contains(&(dropped_visit.clone(), dropped_date.clone())));
    assert!(visits("visits_added").contains(&(grown.clone(), "2030-01-15".to_owned())));
    let changes = json["changes"].as_array().expect("changes");
    assert!(
        changes.iter().any(|c| c["subject"] == edited.as_str()
            && c["visit"] == edited_date.as_str()
            && c["column"] == "alsfrs_r_total"
            && c["new"] == new_total.as_str()),
        "{changes:#?}"
    );
    // No subject outside the planted ones is named anywhere but in findings.
    let planted: BTreeSet<&str> = [&gone, &edited, &dropped_visit, &grown, &new_subject]
        .iter()
        .map(|s| s.as_str())
        .collect();
    let mut named: BTreeSet<String> = BTreeSet::new();
    for key in [
        "visits_added",
        "visits_removed",
        "samples_added",
        "samples_removed",
        "changes",
        "abundance_changes",
    ] {
        for item in json[key].as_array().expect("a list") {
            if let Some(subject) = item["subject"].as_str() {
                named.insert(subject.to_owned());
            }
        }
    }
    let stray: Vec<&String> = named.iter().filter(|s| !planted.contains(s.as_str())).collect();
    assert!(stray.is_empty(), "unchanged subjects named: {stray:?}\n{}", stdout(&o));
    // The same as HTML, to a file.
    let html = dir.path().join("diff.html");
    let o = run(&["diff", s(&old), s(&new), "--format", "html", "--out", s(&html)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(page.contains(&format!("<td>{new_subject}</td>")) && page.contains("alsfrs_r_total"));
}

/// `check DATA --review REVIEW --fail-on warning`: its exit code, its JSON report, and the errors
/// and warnings still open.
fn gate(data: &Path, review: &Path) -> (Option<i32>, serde_json::Value, Vec<serde_json::Value>) {
    let o = run(&[
        "check",
        s(data),
        "--review",
        s(review),
        "--fail-on",
        "warning",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let open = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "open" && f["severity"] != "info")
        .cloned()
        .collect();
    (o.status.code(), json, open)
}

#[test]
fn a_review_follows_its_findings_through_a_reexport_and_gates_on_new_problems_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (data, again) = (dir.path().join("freeze-1"), dir.path().join("freeze-2"));
    demo(&data, 40, true);
    let review = dir.path().join("review.json");
    // Every finding is new: warnings fail the gate.
    let o = run(&["check", s(&data), "--review", s(&review), "--fail-on", "warning"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("[open]"), "{}", stdout(&o));
    // Queries to the sites: every open error and warning, then marked as sent.
    let queries = dir.path().join("queries");
    let o = run(&[
        "check",
        s(&data),
        "--review",
        s(&review),
        "--queries",
        s(&queries),
        "--by",
        "Coordinator",
    ]);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
    let sheets: Vec<PathBuf> = std::fs::read_dir(&queries)
        .expect("queries")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    assert!(sheets.len() >= 2, "one sheet per site: {sheets:?}");
    for sheet in &sheets {
        assert!(sheet.with_extension("html").exists(), "{}", sheet.display());
    }
    let text = std::fs::read_to_string(&review).expect("review file");
    assert!(text.contains("\"status\": \"query-sent\"") && text.contains("\"by\": \"Coordinator\""));
    // Nothing open is left, and a re-export (shuffled, CRLF, BOM, 47.0) changes nothing.
    let o = run(&["check", s(&data), "--review", s(&review), "--fail-on", "warning"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    reexport(&data, &again, &|_, _, _| {});
    let (code, json, open) = gate(&again, &review);
    assert_eq!(code, Some(0), "{open:#?}");
    assert!(open.is_empty(), "{open:#?}");
    assert_eq!(json["review"]["fixed"], 0, "{}", json["review"]);
    // A site answers: the first question is corrected, the second right as it is.
    let sheet = std::fs::read_to_string(&sheets[0]).expect("sheet");
    let mut lines: Vec<String> = sheet.lines().map(str::to_owned).collect();
    assert!(lines.len() >= 2, "{sheet}");
    let id = lines[1].split(',').next().expect("id").to_owned();
    let keep = lines[1].len() - 2;
    lines[1].truncate(keep);
    lines[1].push_str(",checked the CRF,corrected");
    std::fs::write(&sheets[0], lines.join("\r\n") + "\r\n").expect("answer");
    let o = run(&[
        "review",
        "--review",
        s(&review),
        "--import",
        s(&sheets[0]),
        "--by",
        "Site",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("1 resolved"), "{}", stdout(&o));
    let text = std::fs::read_to_string(&review).expect("review file");
    let file: serde_json::Value = serde_json::from_str(&text).expect("json");
    let entry = file["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|e| e["id"] == id.as_str())
        .expect("the answered finding");
    assert_eq!(entry["status"], "resolved");
    assert_eq!(entry["note"], "checked the CRF");
    // A new problem in the next freeze is the only one that counts.
    let again2 = dir.path().join("freeze-3");
    reexport(&data, &again2, &|name, head, rows| {
        if name == "visits.csv" {
            let sep = sep_of(head);
            let weight = column(head, sep, "weight_kg");
            let mut c = cells(&rows[5], sep);
            c[weight] = "412".to_owned();
            rows[5] = c.join(&sep.to_string());
        }
    });
    let (code, _, open) = gate(&again2, &review);
    assert_eq!(code, Some(1), "{open:#?}");
    // The weight, and what follows from it (BMI, the weight change to the next visit): all of
    // that one subject.
    assert!(
        open.iter().any(|f| f["value"] == "412" && f["rule"] == "range.weight"),
        "{open:#?}"
    );
    let who: BTreeSet<&str> = open.iter().map(|f| f["subject"].as_str().unwrap_or("")).collect();
    assert_eq!(who.len(), 1, "{open:#?}");
}
