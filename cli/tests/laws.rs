//! `qsearch laws [NAME] [--json]`: the legal-basis index from the command
//! line, on the project's seeds (keyword mode: no model needed).

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn qsearch(args: &[&str]) -> Output {
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let data = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-data");
    Command::new(env!("CARGO_BIN_EXE_qsearch"))
        .args(args)
        .arg("--seeds")
        .arg(project.join("seeds"))
        .arg("--data-dir")
        .arg(&data)
        .env("NO_COLOR", "1")
        .output()
        .expect("qsearch runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn lists_instruments_with_counts_per_bureau() {
    let out = qsearch(&["laws"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.contains(" 产品质量法 "))
        .unwrap_or_else(|| panic!("产品质量法 listed:\n{text}"));
    assert!(line.contains("常德市") && line.contains("临沂市"), "{line}");
    assert!(!text.contains("中华人民共和国产品质量法"), "prefix folded");

    let json: Value = serde_json::from_slice(&qsearch(&["laws", "--json"]).stdout).unwrap();
    let instruments = json["instruments"].as_array().unwrap();
    assert!(instruments.iter().all(|i| i["name"] != "立案审批表"));
    assert!(
        json["not_laws"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["title"] == "立案审批表")
    );
}

#[test]
fn one_instrument_by_title_or_decree() {
    let by_decree = qsearch(&["laws", "国务院令第455号"]);
    assert_eq!(by_decree.status.code(), Some(0));
    let text = stdout(&by_decree);
    assert!(text.starts_with("烟花爆竹安全管理条例"), "{text}");
    assert!(text.contains("第四条"), "articles shown:\n{text}");
    assert!(text.contains(".txt:"), "file:lines shown:\n{text}");
    for place in ["鹿泉区", "常德市", "临沂市", "威县"] {
        assert!(text.contains(place), "{place}:\n{text}");
    }
    let json: Value =
        serde_json::from_slice(&qsearch(&["laws", "--json", "烟花爆竹安全管理条例"]).stdout)
            .unwrap();
    assert_eq!(json["name"], "烟花爆竹安全管理条例");
    assert!(json["bureaus"].as_array().unwrap().len() >= 4);
}

#[test]
fn unknown_name_exits_1() {
    let out = qsearch(&["laws", "没有这部法"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("没有这部法"));
}
