//! The house as ARCHITECTURE.md draws it, read from the source: which top-level module of
//! `crates/app/src` names which (`crate::x` in `use` lines and paths), so that
//! - the modules form no circle (a circle is printed with the files that tie it);
//! - `web/` and `cli/` never reach the database (`db::`) — they translate, flows decide;
//! - `db/` names nothing else of the app (it stores domain types; it never calls a flow);
//! - no file is over 700 lines, and no Rust code outside `db/` compares a status with a string.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The top-level module a file belongs to: `web/items.rs` → `web`, `state.rs` → `state`.
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix(src()).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.strip_suffix(".rs").unwrap_or(&first).to_string()
}

/// The top-level modules a source text names through `crate::`: `crate::db::x`, and each
/// name of a group `crate::{db::{self, Db}, flows}`.
fn named_modules(src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = src;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut name = String::new();
            let mut taking = true;
            for c in group.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        taking = false;
                    }
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.insert(std::mem::take(&mut name));
                        taking = true;
                    }
                    ':' => taking = false,
                    c if taking && (c.is_alphanumeric() || c == '_') => name.push(c),
                    _ => {}
                }
            }
            out.insert(name);
        } else {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            out.insert(name);
        }
    }
    out.retain(|n| !n.is_empty());
    out
}

/// module → (named module → the files that name it).
fn graph() -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let files = rust_files(&src());
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(f)).collect();
    let mut g: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for f in &files {
        let from = module_of(f);
        let text = std::fs::read_to_string(f).unwrap();
        for to in named_modules(&text) {
            if to != from && modules.contains(&to) {
                let rel = f.strip_prefix(src()).unwrap().display().to_string();
                g.entry(from.clone()).or_default().entry(to).or_default().insert(rel);
            }
        }
    }
    g
}

#[test]
fn the_app_modules_form_no_circle() {
    let g = graph();
    // Depth-first search; a back edge closes a circle.
    fn visit(
        node: &str,
        g: &BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        circles: &mut Vec<Vec<String>>,
    ) {
        if let Some(i) = path.iter().position(|n| n == node) {
            let mut circle = path[i..].to_vec();
            circle.push(node.to_string());
            circles.push(circle);
            return;
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_string());
        for next in g.get(node).map(|m| m.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
            visit(&next, g, path, done, circles);
        }
        path.pop();
        done.insert(node.to_string());
    }
    let mut circles = vec![];
    let mut done = BTreeSet::new();
    for node in g.keys() {
        visit(node, &g, &mut vec![], &mut done, &mut circles);
    }
    let described: Vec<String> = circles
        .iter()
        .map(|c| {
            let ties: Vec<String> =
                c.windows(2).map(|w| format!("{} -> {} (in {:?})", w[0], w[1], g[&w[0]][&w[1]])).collect();
            ties.join("; ")
        })
        .collect();
    assert!(described.is_empty(), "import circles between the app's modules:\n{}", described.join("\n"));
}

#[test]
fn web_and_cli_never_reach_the_database_and_db_names_nothing_of_the_app() {
    let files = rust_files(&src());
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(f)).collect();
    let mut found = vec![];
    for f in files {
        let m = module_of(&f);
        let text = std::fs::read_to_string(&f).unwrap();
        if m == "web" || m == "cli" {
            for (n, line) in text.lines().enumerate() {
                if line.contains("db::") {
                    found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
        if m == "db" {
            for other in named_modules(&text).into_iter().filter(|o| modules.contains(o) && o != "db") {
                found.push(format!("{}: db/ names crate::{other}", f.display()));
            }
        }
    }
    assert!(found.is_empty(), "{} lines break the layering:\n{}", found.len(), found.join("\n"));
}

#[test]
fn no_file_is_over_700_lines_and_no_status_is_compared_with_a_string_outside_db() {
    let mut found = vec![];
    for f in rust_files(&src()) {
        let text = std::fs::read_to_string(&f).unwrap();
        let lines = text.lines().count();
        if lines > 700 {
            found.push(format!("{}: {lines} lines", f.display()));
        }
        if module_of(&f) == "db" {
            continue;
        }
        for (n, line) in text.lines().enumerate() {
            let compact: String = line.split_whitespace().collect();
            if compact.contains("status==\"") || compact.contains("status!=\"") {
                found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "{} findings:\n{}", found.len(), found.join("\n"));
}
