//! Issue 14 part 2 acceptance: the legal-basis index on the real seeds —
//! spellings of one law are one entry, decree numbers stand for the titles
//! the documents pair them with, forms and notices are not laws, a sample of
//! citations checked by hand against the seed text — and the HTTP endpoints
//! (`/api/laws`, `/api/laws/{name}`) with their 4xx JSON errors.

mod harness;

use harness::{TestServer, enc};
use qsearch::laws::{Instrument, Kind, LawIndex};
use qsearch_tests::{corpus, seed_lines};
use serde_json::Value;

fn index() -> &'static LawIndex {
    static INDEX: std::sync::OnceLock<LawIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| LawIndex::build(&corpus().records))
}

fn law(name: &str) -> &'static Instrument {
    index()
        .find(name)
        .unwrap_or_else(|e| panic!("no instrument for {name}: {e:?}"))
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn spellings_of_one_law_are_one_entry() {
    for (short, long) in [
        ("产品质量法", "中华人民共和国产品质量法"),
        ("特种设备安全法", "中华人民共和国特种设备安全法"),
    ] {
        let a = law(short);
        let b = law(long);
        assert_eq!(a.name, b.name, "{short} / {long}");
        assert_eq!(a.name, short, "the prefix is folded");
        assert_eq!(a.kind, Kind::Law);
        for v in [short, long] {
            assert!(a.variants.iter().any(|x| x == v), "{v} in {:?}", a.variants);
        }
        let entries = index()
            .instruments
            .iter()
            .filter(|i| i.name.contains(short) && i.name.ends_with('法'))
            .count();
        assert_eq!(entries, 1, "one entry for {short}");
    }
    // Spaces inside a title (《中华人民共和国产品质量 法》) do not make another law.
    assert_eq!(law("中华人民共和国产品质量 法").name, "产品质量法");
}

#[test]
fn a_decree_number_stands_for_its_title() {
    let by_decree = law("国务院令第455号");
    let by_title = law("《烟花爆竹安全管理条例》");
    assert_eq!(by_decree.name, "烟花爆竹安全管理条例");
    assert_eq!(by_decree.name, by_title.name);
    assert_eq!(by_decree.kind, Kind::Regulation);
    assert!(by_decree.decrees.contains(&"国务院令第455号".to_string()));
    // Other spellings of the same decree number.
    assert_eq!(law("国务院令455号").name, "烟花爆竹安全管理条例");
    assert_eq!(
        law("质检总局令第121号").name,
        "机动车安全技术检验机构监督管理办法"
    );
    assert_eq!(
        law("国家质量监督检验检疫总局令第121号").name,
        "机动车安全技术检验机构监督管理办法"
    );
    assert!(by_decree.bureau_count() >= 4, "{:?}", by_decree.summary());
}

#[test]
fn forms_certificates_and_notices_are_not_laws() {
    for title in ["计量检定员证", "立案审批表", "责令改正通知书"] {
        assert!(
            index()
                .instruments
                .iter()
                .all(|i| i.name != title && i.variants.iter().all(|v| squash(v) != title)),
            "{title} is listed as a law"
        );
        assert!(index().find(title).is_err(), "{title} is found as a law");
        assert!(
            index().not_laws.iter().any(|n| n.title == title),
            "{title} is reported among the titles that are not laws"
        );
    }
}

#[test]
fn implementing_rules_are_their_own_instruments() {
    assert_ne!(law("计量法实施细则").name, law("计量法").name);
    assert_eq!(law("计量法实施细则").kind, Kind::Rule);
    assert_eq!(
        law("中华人民共和国标准化法实施条例").name,
        "标准化法实施条例"
    );
    assert_eq!(law("标准化法实施条例").kind, Kind::Regulation);
    assert_ne!(
        law("工业产品生产许可证管理条例实施办法").name,
        law("工业产品生产许可证管理条例").name
    );
    // 制造、修理… and 制造修理… are one rule.
    assert_eq!(
        law("制造修理计量器具许可监督管理办法").name,
        law("制造、修理计量器具许可监督管理办法").name
    );
}

#[test]
fn special_equipment_law_is_cited_by_at_least_three_bureaus() {
    let i = law("特种设备安全法");
    assert!(i.bureau_count() >= 3, "{:?}", i.summary());
}

#[test]
fn standards_are_indexed_by_code() {
    let hotel = law("GB/T 14308");
    assert_eq!(hotel.kind, Kind::Standard);
    assert_eq!(hotel.name, "GB/T 14308-2010");
    // Both titles written with the code are the same standard.
    assert_eq!(law("旅游饭店星级的划分与评定").name, hotel.name);
    assert_eq!(law("中华人民共和国星级酒店评定标准").name, hotel.name);
    assert_eq!(law("GB27550-2011").name, "GB 27550-2011");
    assert_eq!(law("气瓶充装站安全技术条件").name, "GB 27550-2011");
    assert_eq!(law("TSG R0009-2009").kind, Kind::Standard);
}

/// Every citing entry points at its record's lines, and (unless the basis
/// was carried down from the row above) the lines hold what it cites.
#[test]
fn every_entry_is_cited_with_file_and_lines() {
    let records = &corpus().records;
    for i in &index().instruments {
        assert!(i.citing > 0, "{}", i.name);
        for b in &i.bureaus {
            for r in &b.records {
                let record = records
                    .iter()
                    .find(|x| x.id == r.record_id)
                    .expect("record exists");
                assert_eq!(r.file, record.source.file);
                assert_eq!(
                    (r.line_start, r.line_end),
                    (record.source.line_start, record.source.line_end)
                );
                assert_eq!(b.file, r.file);
            }
        }
    }
}

/// (record id, instrument name, decree number or "", articles) — written by
/// hand from the seed text of each record.
const SAMPLE: &[(&str, &str, &str, &[&str])] = &[
    (
        "000_46b018933c634a31-boundary-670-673",
        "GB/T 14308-2010",
        "",
        &[],
    ),
    (
        "000_46b018933c634a31-boundary-670-673",
        "特种设备安全法",
        "",
        &[],
    ),
    (
        "000_46b018933c634a31-boundary-670-673",
        "食品安全法实施条例",
        "",
        &[],
    ),
    (
        "000_46b018933c634a31-boundary-670-673",
        "旅馆业治安管理办法",
        "",
        &[],
    ),
    (
        "000_46b018933c634a31-supervision-1409-1425",
        "特种设备安全监察条例",
        "",
        &[],
    ),
    (
        "000_46b018933c634a31-supervision-1683-1691",
        "工业产品生产许可证管理条例实施办法",
        "",
        &[],
    ),
    (
        "000_46b018933c634a31-supervision-1655-1665",
        "产品质量法",
        "",
        &[
            "第四十九条",
            "第五十条",
            "第五十一条",
            "第六十条",
            "第五十七条",
        ],
    ),
    (
        "000_46b018933c634a31-supervision-1131-1141",
        "计量检定人员管理办法",
        "",
        &[],
    ),
    (
        "000_46b018933c634a31-boundary-372-379",
        "烟花爆竹安全管理条例",
        "国务院令第455号",
        &[],
    ),
    (
        "001_e78a3302d4a7bc81-duties-274-276",
        "特种设备安全法",
        "",
        &["第二条"],
    ),
    (
        "001_e78a3302d4a7bc81-duties-101-103",
        "工业产品生产许可证管理条例",
        "国务院令第440号",
        &["第六条"],
    ),
    (
        "001_e78a3302d4a7bc81-duties-101-103",
        "工业产品生产许可证管理条例实施办法",
        "",
        &["第四十三条"],
    ),
    (
        "001_e78a3302d4a7bc81-duties-156-158",
        "标准化法实施条例",
        "",
        &["第四条"],
    ),
    (
        "001_e78a3302d4a7bc81-boundary-677-689",
        "机动车安全技术检验机构监督管理办法",
        "质检总局令第121号",
        &["第十九条"],
    ),
    (
        "001_e78a3302d4a7bc81-boundary-677-689",
        "道路交通安全法实施条例",
        "",
        &["第十五条"],
    ),
    (
        "001_e78a3302d4a7bc81-boundary-566-579",
        "农药管理条例",
        "",
        &["第五条"],
    ),
    (
        "001_e78a3302d4a7bc81-duties-137-139",
        "标准化法",
        "",
        &["第五条第三款", "第六条第二款"],
    ),
    (
        "001_e78a3302d4a7bc81-duties-298-300",
        "特种设备安全法",
        "",
        &["第十九条", "第七十二条第四款"],
    ),
    (
        "001_e78a3302d4a7bc81-duties-89-91",
        "质量发纲要（2011-2020年）",
        "",
        &["第五章第四条", "第二章第三条", "第五章第五条"],
    ),
    (
        "001_e78a3302d4a7bc81-boundary-637-645",
        "烟花爆竹安全管理条例",
        "国务院令第455号",
        &["第四条"],
    ),
    (
        "001_e78a3302d4a7bc81-boundary-637-645",
        "湖南省烟花爆竹安全管理办法",
        "省政府令第104号",
        &[],
    ),
    (
        "001_e78a3302d4a7bc81-duties-322-324",
        "产品质量监督抽查管理办法",
        "质检总局令第133号",
        &["第十二条"],
    ),
    (
        "001_e78a3302d4a7bc81-duties-340-342",
        "絮用纤维制品质量监督管理办法",
        "",
        &["第三条"],
    ),
    (
        "002_57c99018d0e71c00-duties-48-48-4",
        "认证认可条例",
        "国务院令第390号",
        &["第七十条"],
    ),
    (
        "002_57c99018d0e71c00-duties-48-48-4",
        "地理标志产品保护规定",
        "质检总局令第78号",
        &["第二十五条"],
    ),
    (
        "002_57c99018d0e71c00-duties-30-30-4",
        "产品质量法",
        "",
        &["第六十五条", "第六十六条", "第六十七条", "第六十八条"],
    ),
    (
        "002_57c99018d0e71c00-duties-46-46-3",
        "标准化法实施条例",
        "国务院令第53号",
        &["第三十九条"],
    ),
    (
        "002_57c99018d0e71c00-duties-46-46-3",
        "山东省实施〈标准化法〉办法",
        "",
        &["第二十九条"],
    ),
    (
        "002_57c99018d0e71c00-duties-47-47",
        "制造、修理计量器具许可监督管理办法",
        "质检总局令第104号",
        &["第四十六条"],
    ),
    (
        "002_57c99018d0e71c00-boundary-74-74",
        "剧毒化学品购买和公路运输许可证件管理办法",
        "公安部令第77号",
        &[],
    ),
    (
        "002_57c99018d0e71c00-supervision-497-511",
        "山东省行政程序规定",
        "",
        &[],
    ),
    (
        "003_ad4f7b96456d1062-boundary-472-472",
        "TSG R4001-2006",
        "",
        &[],
    ),
    (
        "003_ad4f7b96456d1062-boundary-472-472",
        "河北省特种设备安全监察规定",
        "",
        &[],
    ),
    (
        "003_ad4f7b96456d1062-supervision-1391-1403",
        "河北省标准化监督管理条例",
        "",
        &[],
    ),
    (
        "004_4709594b1805b681-supervision-89-95",
        "工业产品生产许可证管理条例",
        "",
        &["第四十五条至第五十五条"],
    ),
    (
        "004_4709594b1805b681-supervision-580-582",
        "认证证书和认证标志管理办法",
        "",
        &[],
    ),
    (
        "004_4709594b1805b681-supervision-773-790",
        "广告发布登记管理规定",
        "",
        &[],
    ),
];

#[test]
fn a_sample_of_citations_matches_the_seed_text() {
    let records = &corpus().records;
    assert!(SAMPLE.len() >= 30);
    for &(id, name, decree, articles) in SAMPLE {
        let (ri, record) = records
            .iter()
            .enumerate()
            .find(|(_, r)| r.id == id)
            .unwrap_or_else(|| panic!("no record {id}"));
        let names = index().names_of(ri);
        assert!(
            names.iter().any(|n| n == name),
            "{id}: {name} not in {names:?}"
        );
        let instrument = index().instruments.iter().find(|i| i.name == name).unwrap();
        if !decree.is_empty() {
            assert!(
                instrument.decrees.iter().any(|d| d == decree),
                "{id}: {name} decree {decree} not in {:?}",
                instrument.decrees
            );
        }
        let entry = instrument
            .bureaus
            .iter()
            .flat_map(|b| &b.records)
            .find(|r| r.record_id == id)
            .unwrap();
        assert_eq!(entry.articles, articles, "{id}: articles of {name}");
        // The record holds the citation as written …
        let own = squash(&format!("{}{}", record.basis(), record.text()));
        for written in &entry.as_written {
            assert!(
                own.contains(&squash(written)),
                "{id}: '{written}' not in the record"
            );
        }
        // … and so does the seed at the record's lines, unless the basis was
        // carried down from the row above, or the list is read from PDF
        // columns (003: a title runs over lines interleaved with the other
        // columns). A basis cell may run on below the lines of the row's own
        // text, which are what the span covers, so a few lines further are
        // searched.
        if !entry.inherited && !entry.file.starts_with("003") {
            let lines = squash(&seed_lines(
                &entry.file,
                entry.line_start,
                entry.line_end + 30,
            ));
            for written in &entry.as_written {
                assert!(
                    lines.contains(&squash(written)),
                    "{id}: '{written}' not on {}:{}-{}",
                    entry.file,
                    entry.line_start,
                    entry.line_end
                );
            }
        }
    }
    // A form in the same texts is never a citation.
    let (ri, _) = records
        .iter()
        .enumerate()
        .find(|(_, r)| r.id == "003_ad4f7b96456d1062-supervision-1239-1247")
        .unwrap();
    assert!(
        index().names_of(ri).is_empty(),
        "{:?}",
        index().names_of(ri)
    );
}

// ---------------------------------------------------------------- HTTP

fn server() -> &'static TestServer {
    harness::server("laws")
}

fn ok_json(target: &str) -> Value {
    server().ok_json(target)
}

fn assert_json_error(target: &str, status: u16) {
    let reply = server().get(target);
    assert_eq!(
        reply.status,
        status,
        "GET {target}: {}",
        String::from_utf8_lossy(&reply.body)
    );
    assert!(
        reply
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "GET {target}: content-type {:?}",
        reply.header("content-type")
    );
    let body = reply.json();
    let message = body["error"].as_str().unwrap_or_else(|| panic!("{body}"));
    assert!(message.contains(" / "), "bilingual: {message}");
    // `error`, `code` where the server names one, and the request's id:
    // nothing else.
    assert!(
        body.as_object()
            .unwrap()
            .keys()
            .all(|k| k == "error" || k == "code" || k == "request_id"),
        "{body}"
    );
}

#[test]
fn api_lists_the_instruments() {
    let body = ok_json("/api/laws");
    let instruments = body["instruments"].as_array().unwrap();
    assert!(instruments.len() > 50, "{}", instruments.len());
    let quality = instruments
        .iter()
        .find(|i| i["name"] == "产品质量法")
        .expect("产品质量法 listed");
    assert_eq!(quality["kind"], "law");
    assert!(quality["by_bureau"].as_array().unwrap().len() >= 4);
    assert!(
        body["not_laws"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["title"] == "计量检定员证")
    );
    let standards = ok_json("/api/laws?kind=standard");
    let standards = standards["instruments"].as_array().unwrap();
    assert!(!standards.is_empty());
    assert!(standards.iter().all(|i| i["kind"] == "standard"));
}

#[test]
fn api_finds_one_instrument_by_name_decree_or_code() {
    for name in [
        "烟花爆竹安全管理条例",
        "国务院令第455号",
        "《烟花爆竹安全管理条例》",
    ] {
        let body = ok_json(&format!("/api/laws/{}", enc(name)));
        assert_eq!(body["name"], "烟花爆竹安全管理条例", "{name}");
        let bureaus = body["bureaus"].as_array().unwrap();
        assert!(bureaus.len() >= 4);
        for b in bureaus {
            for r in b["records"].as_array().unwrap() {
                assert!(r["file"].as_str().unwrap().ends_with(".txt"));
                assert!(r["line_start"].as_u64().unwrap() >= 1);
                // Each entry opens its record.
                let id = r["record_id"].as_str().unwrap();
                ok_json(&format!("/api/records/{}", enc(id)));
            }
        }
    }
    let code = ok_json(&format!("/api/laws/{}", enc("GB/T 14308")));
    assert_eq!(code["name"], "GB/T 14308-2010");
    assert_eq!(code["kind"], "standard");
}

#[test]
fn api_rejects_bad_and_unknown_names_with_json() {
    assert_json_error(&format!("/api/laws/{}", enc("没有这部法")), 404);
    assert_json_error(&format!("/api/laws/{}", enc("计量检定员证")), 404);
    assert_json_error("/api/laws/%20%20", 400);
    assert_json_error("/api/laws/%E0%A4%A", 400);
    assert_json_error("/api/laws/%FF", 400);
    assert_json_error(&format!("/api/laws/{}", enc(&"法".repeat(257))), 414);
    assert_json_error("/api/laws?kind=statute", 400);
    assert_json_error("/api/laws?kind=%zz", 400);
}

#[test]
fn search_hits_carry_their_citations() {
    let body = ok_json(&format!(
        "/api/search?q={}&mode=bm25&limit=20",
        enc("烟花爆竹安全管理条例")
    ));
    let hits = body["hits"].as_array().unwrap();
    assert!(
        hits.iter().any(|h| h["laws"]
            .as_array()
            .is_some_and(|l| l.iter().any(|n| n == "烟花爆竹安全管理条例"))),
        "no hit cites it: {body}"
    );
}

#[test]
fn openapi_documents_the_law_endpoints() {
    let doc = ok_json("/api/openapi.json");
    for path in ["/api/laws", "/api/laws/{name}"] {
        let ok = &doc["paths"][path]["get"]["responses"]["200"];
        assert!(!ok.is_null(), "{path} documented");
    }
    let responses = &doc["paths"]["/api/laws/{name}"]["get"]["responses"];
    for status in ["400", "404", "414"] {
        assert!(!responses[status].is_null(), "{status} documented");
    }
    // The schemas name every field the responses carry.
    let schemas = &doc["components"]["schemas"];
    let detail = ok_json(&format!("/api/laws/{}", enc("国务院令第455号")));
    for (object, schema) in [
        (&detail, "Instrument"),
        (&detail["bureaus"][0], "BureauCitations"),
        (&detail["bureaus"][0]["records"][0], "CitingRecord"),
    ] {
        let props = schemas[schema]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("schema {schema}"));
        for key in object.as_object().unwrap().keys() {
            assert!(props.contains_key(key), "{schema} lacks {key}");
        }
    }
    let list = ok_json("/api/laws");
    let props = schemas["InstrumentSummary"]["properties"]
        .as_object()
        .unwrap();
    for key in list["instruments"][0].as_object().unwrap().keys() {
        assert!(props.contains_key(key), "InstrumentSummary lacks {key}");
    }
    let hit_props = schemas["Hit"]["properties"].as_object().unwrap();
    assert!(hit_props.contains_key("laws"));
}
