//! The `qsearch` binary's conventions (issue 16): flags belong to the
//! commands that use them, grep-style exit codes, NO_COLOR, the explicit
//! `search` subcommand. Keyword mode only, on the project's seeds and a
//! private data directory, so no model is needed.

use std::path::PathBuf;
use std::process::{Command, Output};

fn qsearch(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let data = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-data");
    let mut command = Command::new(env!("CARGO_BIN_EXE_qsearch"));
    command
        .args(args)
        .arg("--seeds")
        .arg(project.join("seeds"))
        .arg("--data-dir")
        .arg(&data)
        .env_remove("NO_COLOR")
        .env_remove("QSEARCH_MODEL");
    for (key, value) in envs {
        command.env(key, value);
    }
    command.output().expect("qsearch runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn index_help_lists_no_search_flags() {
    let out = qsearch(&["index", "--help"], &[]);
    assert!(out.status.success());
    let help = stdout(&out);
    assert!(help.contains("--no-embed"), "{help}");
    for flag in ["--limit", "--explain", "--mode", "--bureau"] {
        let listed = help
            .split_whitespace()
            .any(|word| word.trim_end_matches(',') == flag);
        assert!(!listed, "index --help lists {flag}:\n{help}");
    }
}

#[test]
fn exit_codes_say_whether_anything_was_found() {
    let found = qsearch(
        &["search", "烟花爆竹", "--mode", "bm25", "--limit", "2"],
        &[],
    );
    assert_eq!(found.status.code(), Some(0), "{}", stdout(&found));
    assert!(stdout(&found).contains(".txt:"), "hits cite their lines");
    let none = qsearch(&["search", "zzqxvkw", "--mode", "bm25"], &[]);
    assert_eq!(none.status.code(), Some(1), "{}", stdout(&none));
    let error = qsearch(
        &["search", "烟花爆竹", "--mode", "bm25", "--limit", "0"],
        &[],
    );
    assert_eq!(error.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&error.stderr).contains("limit"));
}

#[test]
fn no_color_and_color_never_print_no_escape_codes() {
    let plain = qsearch(
        &["烟花爆竹", "--mode", "bm25", "--limit", "2"],
        &[("NO_COLOR", "1")],
    );
    assert!(!stdout(&plain).contains('\x1b'), "{}", stdout(&plain));
    let never = qsearch(&["--color", "never", "烟花爆竹", "--mode", "bm25"], &[]);
    assert!(!stdout(&never).contains('\x1b'));
    let always = qsearch(&["--color", "always", "烟花爆竹", "--mode", "bm25"], &[]);
    assert!(
        stdout(&always).contains('\x1b'),
        "--color always colours a pipe"
    );
}

#[test]
fn a_who_question_the_lists_do_not_cover_is_said_plainly() {
    let out = qsearch(&["who", "离婚手续去哪里办", "--mode", "bm25"], &[]);
    let text = stdout(&out);
    assert!(text.contains("这些清单没有写明谁负责"), "{text}");
    assert!(text.contains("12345"), "{text}");
    assert!(
        text.contains("可能相关"),
        "hits are labelled possibly related: {text}"
    );
}

#[test]
fn completions_print_a_script_and_fetch_nothing() {
    let data = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-completions-data");
    let _ = std::fs::remove_dir_all(&data);
    let out = Command::new(env!("CARGO_BIN_EXE_qsearch"))
        .args(["completions", "bash", "--data-dir"])
        .arg(&data)
        .output()
        .expect("qsearch runs");
    assert!(out.status.success());
    let script = stdout(&out);
    assert!(
        script.contains("_qsearch") && script.contains("complete"),
        "{script}"
    );
    assert!(!data.exists(), "completions touched the data directory");
}

#[test]
fn version_names_the_revision_index_format_and_model() {
    let out = qsearch(&["--version"], &[]);
    let text = stdout(&out);
    assert!(
        text.contains("index format") && text.contains("me5-small"),
        "{text}"
    );
}

#[test]
fn a_mistyped_command_is_refused_with_a_hint_not_searched() {
    let out = qsearch(&["indx"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("qsearch index") && err.contains("qsearch search"),
        "{err}"
    );
    // A real word is still a search.
    let out = qsearch(&["烟花爆竹", "--mode", "bm25", "--limit", "1"], &[]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn man_prints_a_roff_page() {
    let out = qsearch(&["man"], &[]);
    assert!(out.status.success());
    let page = stdout(&out);
    assert!(
        page.contains(".TH qsearch") && page.contains("completions"),
        "{page}"
    );
}
