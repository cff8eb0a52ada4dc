//! The house plan, checked: every import between files of `src/` points down the layers of
//! ARCHITECTURE.md, and no files import each other in a circle. Reads the source as text (a small
//! lexer for comments, strings and `use` trees), so it needs no extra tools and runs in CI with
//! the other tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level modules from the bottom up. A module may import only modules of a lower rank (and
/// itself); modules of equal rank are independent of each other.
const LAYERS: &[(&str, u8)] = &[
    ("i18n", 0),
    ("model", 1),
    ("rng", 1),
    ("metrics", 2),
    ("data", 3),
    ("quality", 4),
    ("demo", 4),
    ("cohort", 4),
    ("pipeline", 5),
    ("diff", 5),
    ("session", 6),
    ("app", 7),
    ("cli", 8),
];

/// One problem found: an import that runs up or across the layers, or a circle of files.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Problem {
    Upward { from: String, to: String },
    Circle(Vec<String>),
}

#[test]
fn imports_point_down_the_layers_and_form_no_circles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    collect(&src, &src, &mut files);
    files.remove("main.rs");
    assert!(files.len() > 50, "read {} files under {}", files.len(), src.display());
    let (edges, problems) = graph(&files);
    // The reader sees real imports: `use` trees, `super::`, re-exports and inline paths.
    let has = |from: &str, to: &str| edges.get(from).is_some_and(|t| t.contains(to));
    assert!(has("app/explorer.rs", "app/views/mod.rs"));
    assert!(has("app/views/trajectories.rs", "app/widgets/plot.rs"));
    assert!(has("metrics/tables.rs", "model/frame.rs"));
    assert!(has("quality/time.rs", "quality/frames.rs"));
    assert!(has("cli/check.rs", "pipeline.rs"));
    assert!(edges.values().map(BTreeSet::len).sum::<usize>() > 150);
    assert!(
        problems.is_empty(),
        "imports against the layers of ARCHITECTURE.md:\n{}",
        problems
            .iter()
            .map(|p| format!("  {p:?}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn a_planted_upward_import_is_caught() {
    let files = BTreeMap::from([
        ("lib.rs".to_owned(), "pub mod model; pub mod data;".to_owned()),
        ("model/mod.rs".to_owned(), "mod time;\npub use time::Day;".to_owned()),
        ("model/time.rs".to_owned(), "pub struct Day;".to_owned()),
        (
            "data/mod.rs".to_owned(),
            "use crate::model::Day; // fine: data sits above model\npub fn read() {}".to_owned(),
        ),
    ]);
    assert!(check(&files).is_empty());
    let mut planted = files.clone();
    planted.insert(
        "model/time.rs".to_owned(),
        "/* crate::data in a comment is not an import */\npub struct Day;\nfn f() { crate::data::read() }".to_owned(),
    );
    // data → model and model → data: an upward import, and so a circle.
    assert_eq!(
        check(&planted),
        [
            Problem::Upward {
                from: "model/time.rs".to_owned(),
                to: "data/mod.rs".to_owned()
            },
            Problem::Circle(vec!["data/mod.rs".to_owned(), "model/time.rs".to_owned()])
        ]
    );
    // An upward import alone, with no way back down, is still caught.
    let mut alone = files.clone();
    alone.insert("data/mod.rs".to_owned(), "pub fn read() {}".to_owned());
    alone.insert(
        "model/time.rs".to_owned(),
        "pub struct Day;\nuse crate::data::read;".to_owned(),
    );
    assert_eq!(
        check(&alone),
        [Problem::Upward {
            from: "model/time.rs".to_owned(),
            to: "data/mod.rs".to_owned()
        }]
    );
}

#[test]
fn a_planted_circle_is_caught_through_use_trees_and_re_exports() {
    let files = BTreeMap::from([
        ("lib.rs".to_owned(), "pub mod app;".to_owned()),
        ("app/mod.rs".to_owned(), "mod a;\nmod b;\npub use b::B;".to_owned()),
        (
            "app/a.rs".to_owned(),
            "use super::{B as Bee, b};\npub struct A;\n#[cfg(test)]\nmod tests { use super::*; }".to_owned(),
        ),
        (
            "app/b.rs".to_owned(),
            "pub struct B;\nfn f() { let s = \"super::a::A\"; }".to_owned(),
        ),
    ]);
    assert!(check(&files).is_empty(), "{:?}", check(&files));
    let mut planted = files.clone();
    planted.insert(
        "app/b.rs".to_owned(),
        "pub struct B;\nfn f(_: crate::app::a::A) {}".to_owned(),
    );
    assert_eq!(
        check(&planted),
        [Problem::Circle(vec!["app/a.rs".to_owned(), "app/b.rs".to_owned()])]
    );
}

/// Every `.rs` file below `dir`, by path relative to `root`.
fn collect(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("src is readable").flatten().collect();
    entries.sort_by_key(std::fs::DirEntry::path);
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path
                .strip_prefix(root)
                .expect("below root")
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read_to_string(&path).expect("source is UTF-8"));
        }
    }
}

/// The module path of a file: `app/views/mod.rs` → `["app", "views"]`.
fn module_of(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file.trim_end_matches(".rs").split('/').map(str::to_owned).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// Upward imports and circles among `files` (path relative to `src/` → source).
fn check(files: &BTreeMap<String, String>) -> Vec<Problem> {
    let (_, problems) = graph(files);
    problems
}

/// The import edges between files, and the problems among them.
fn graph(files: &BTreeMap<String, String>) -> (BTreeMap<String, BTreeSet<String>>, Vec<Problem>) {
    let modules: BTreeMap<Vec<String>, &str> = files.keys().map(|f| (module_of(f), f.as_str())).collect();
    let tokens: BTreeMap<&str, Vec<String>> = files.iter().map(|(f, s)| (f.as_str(), lex(s))).collect();
    // Names each module re-exports from a child (`pub use child::Name`), to follow them.
    let mut reexports: BTreeMap<(Vec<String>, String), Vec<String>> = BTreeMap::new();
    for (file, toks) in &tokens {
        let here = module_of(file);
        for (path, public, inline) in use_paths(toks) {
            if public
                && inline.is_empty()
                && let Some(name) = path.last()
            {
                let abs = absolute(&here, &path, &modules);
                reexports.insert((here.clone(), name.clone()), abs);
            }
        }
    }
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut problems = BTreeSet::new();
    for (file, toks) in &tokens {
        let here = module_of(file);
        let mut paths: Vec<(Vec<String>, Vec<String>)> =
            use_paths(toks).into_iter().map(|(p, _, inline)| (p, inline)).collect();
        paths.extend(inline_paths(toks, &here, &modules));
        for (path, inline) in paths {
            let scope: Vec<String> = here.iter().chain(&inline).cloned().collect();
            let abs = absolute(&scope, &path, &modules);
            let Some(target) = resolve(&abs, &modules, &reexports) else {
                continue;
            };
            if target == *file {
                continue;
            }
            edges.entry(file).or_default().insert(target);
            let (from_top, to_top) = (here.first(), module_of(target).first().cloned());
            if let (Some(a), Some(b)) = (from_top, to_top)
                && *a != b
                && rank(a) <= rank(&b)
            {
                problems.insert(Problem::Upward {
                    from: (*file).to_owned(),
                    to: target.to_owned(),
                });
            }
        }
    }
    problems.extend(circles(&edges).into_iter().map(Problem::Circle));
    let owned = edges
        .iter()
        .map(|(from, to)| ((*from).to_owned(), to.iter().map(|t| (*t).to_owned()).collect()))
        .collect();
    (owned, problems.into_iter().collect())
}

fn rank(top: &str) -> u8 {
    LAYERS.iter().find(|(m, _)| *m == top).map_or(u8::MAX, |(_, r)| *r)
}

/// A path as written, made absolute from the crate root (`crate`, `super`, `self`, or a child
/// module of `here`); external crates give an empty path.
fn absolute(here: &[String], path: &[String], modules: &BTreeMap<Vec<String>, &str>) -> Vec<String> {
    let mut base: Vec<String> = here.to_vec();
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &path[1..];
        }
        Some("self") => rest = &path[1..],
        Some("super") => {
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        Some(first) => {
            let mut child = here.to_vec();
            child.push(first.to_owned());
            if !modules.contains_key(&child) {
                return Vec::new();
            }
        }
        None => return Vec::new(),
    }
    base.extend(rest.iter().cloned());
    base
}

/// The file that defines what an absolute path names: its longest module prefix, following
/// re-exports one name at a time.
fn resolve<'a>(
    abs: &[String],
    modules: &BTreeMap<Vec<String>, &'a str>,
    reexports: &BTreeMap<(Vec<String>, String), Vec<String>>,
) -> Option<&'a str> {
    if abs.is_empty() {
        return None;
    }
    let mut path = abs.to_vec();
    for _ in 0..8 {
        let len = (0..=path.len()).rev().find(|n| modules.contains_key(&path[..*n]))?;
        let module = path[..len].to_vec();
        match path.get(len) {
            Some(name) if reexports.contains_key(&(module.clone(), name.clone())) => {
                let mut next = reexports[&(module, name.clone())].clone();
                next.extend(path[len + 1..].iter().cloned());
                path = next;
            }
            _ => return modules.get(&module).copied(),
        }
    }
    None
}

/// Every simple cycle's files, each reported once from its smallest member.
fn circles(edges: &BTreeMap<&str, BTreeSet<&str>>) -> Vec<Vec<String>> {
    let mut found = BTreeSet::new();
    for &start in edges.keys() {
        let mut stack = vec![(start, vec![start])];
        while let Some((node, trail)) = stack.pop() {
            for &next in edges.get(node).into_iter().flatten() {
                if next == start {
                    let mut cycle: Vec<String> = trail.iter().map(|s| (*s).to_owned()).collect();
                    let min = cycle.iter().enumerate().min_by_key(|(_, s)| *s).map_or(0, |(i, _)| i);
                    cycle.rotate_left(min);
                    found.insert(cycle);
                } else if next > start && !trail.contains(&next) && trail.len() < 12 {
                    let mut t = trail.clone();
                    t.push(next);
                    stack.push((next, t));
                }
            }
        }
    }
    found.into_iter().collect()
}

/// Identifiers, `::` and single punctuation, with comments, strings and chars removed.
fn lex(src: &str) -> Vec<String> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('#') || next == Some('"')) && raw_string_end(&chars, i).is_some() {
            i = raw_string_end(&chars, i).unwrap_or(chars.len());
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else if c == ':' && next == Some(':') {
            out.push("::".to_owned());
            i += 2;
        } else {
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
            i += 1;
        }
    }
    out
}

/// Where a raw string starting at `i` (`r"…"`, `r#"…"#`) ends, if it is one.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    let mut j = i + 1;
    let mut hashes = 0;
    while chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    if chars.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < chars.len() {
        if chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(chars.len())
}

/// The inline module (`mod tests { … }`) each token sits in, as a path below the file's module.
fn inline_scopes(toks: &[String]) -> Vec<Vec<String>> {
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut out = Vec::with_capacity(toks.len());
    for (i, t) in toks.iter().enumerate() {
        out.push(stack.iter().map(|(name, _)| name.clone()).collect());
        match t.as_str() {
            "{" => {
                depth += 1;
                if i >= 2 && toks[i - 2] == "mod" {
                    stack.push((toks[i - 1].clone(), depth));
                }
            }
            "}" => {
                if stack.last().is_some_and(|(_, d)| *d == depth) {
                    stack.pop();
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    out
}

/// The paths of every `use` item, expanded from their trees, whether each is `pub`, and the
/// inline module it is written in.
fn use_paths(toks: &[String]) -> Vec<(Vec<String>, bool, Vec<String>)> {
    let scopes = inline_scopes(toks);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if toks[i] == "use" {
            let public = i > 0 && (toks[i - 1] == "pub" || toks[i - 1] == ")");
            let end = toks[i..].iter().position(|t| t == ";").map_or(toks.len(), |p| i + p);
            let mut paths = Vec::new();
            tree(&toks[i + 1..end], &[], &mut paths);
            out.extend(paths.into_iter().map(|p| (p, public, scopes[i].clone())));
            i = end;
        }
        i += 1;
    }
    out
}

/// Expand one use tree (`a::{b, c::d as e, *}`) into paths under `prefix`.
fn tree(toks: &[String], prefix: &[String], out: &mut Vec<Vec<String>>) {
    let mut path = prefix.to_vec();
    let mut i = 0;
    while i < toks.len() {
        match toks[i].as_str() {
            "::" => {}
            "{" => {
                let mut depth = 0;
                let mut start = i + 1;
                for j in i..toks.len() {
                    match toks[j].as_str() {
                        "{" => depth += 1,
                        "}" => {
                            depth -= 1;
                            if depth == 0 {
                                tree(&toks[start..j], &path, out);
                                return;
                            }
                        }
                        "," if depth == 1 => {
                            tree(&toks[start..j], &path, out);
                            start = j + 1;
                        }
                        _ => {}
                    }
                }
                return;
            }
            "as" | "*" => break,
            "self" if !path.is_empty() => {}
            t => path.push(t.to_owned()),
        }
        i += 1;
    }
    if !path.is_empty() {
        out.push(path);
    }
}

/// Paths written inline in code (`crate::a::b`, `super::x`, `child::y`), outside `use` items.
fn inline_paths(
    toks: &[String],
    here: &[String],
    modules: &BTreeMap<Vec<String>, &str>,
) -> Vec<(Vec<String>, Vec<String>)> {
    let scopes = inline_scopes(toks);
    let mut out = Vec::new();
    let mut in_use = false;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].as_str();
        if t == "use" {
            in_use = true;
        } else if t == ";" {
            in_use = false;
        }
        let starts = matches!(t, "crate" | "super" | "self") || {
            let mut child = here.to_vec();
            child.push(t.to_owned());
            modules.contains_key(&child)
        };
        let after_path = i > 0 && toks[i - 1] == "::";
        let is_mod_decl = i > 0 && toks[i - 1] == "mod";
        if !in_use && starts && !after_path && !is_mod_decl && toks.get(i + 1).is_some_and(|n| n == "::") {
            let mut path = vec![t.to_owned()];
            let mut j = i + 1;
            while toks.get(j).is_some_and(|n| n == "::")
                && toks
                    .get(j + 1)
                    .is_some_and(|n| n.chars().all(|c| c.is_alphanumeric() || c == '_'))
            {
                path.push(toks[j + 1].clone());
                j += 2;
            }
            out.push((path, scopes[i].clone()));
            i = j;
            continue;
        }
        i += 1;
    }
    out
}
