//! Who issued a document, guessed from its own text and its file name, so
//! `qsearch add` can write a catalog entry the user only has to confirm.
//!
//! Lists name their issuer in a caption (`部门名称：…`) or in the title
//! (`…局责任清单`); the administrative names inside the issuer's name
//! (`河北省`, `石家庄市`, `鹿泉区`, `威县`) give the place and the level.

use crate::record::Level;

/// Provinces and province-level cities and regions, as written in names.
const PROVINCES: [&str; 34] = [
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "香港特别行政区",
    "澳门特别行政区",
];

/// Words that end the name of a bureau (局, 委员会 …) in a title.
const ISSUER_ENDS: [&str; 8] = ["局", "委员会", "委", "厅", "办公室", "中心", "院", "所"];

/// List titles after the issuer's name.
const TITLE_SUFFIXES: [&str; 8] = [
    "责任清单",
    "权责清单",
    "权力清单",
    "职责清单",
    "部门责任清单",
    "监管制度",
    "事中事后监管制度",
    "清单",
];

/// What the document says about its issuer, and where that came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guess {
    pub issuer: String,
    pub province: Option<String>,
    pub city: Option<String>,
    pub county: Option<String>,
    pub level: Level,
    /// `部门名称`, `title` or `file name`.
    pub from: &'static str,
}

impl Guess {
    /// The place a user would name the list by: county, else city, else province.
    pub fn place(&self) -> String {
        self.county
            .clone()
            .or_else(|| self.city.clone())
            .or_else(|| self.province.clone())
            .unwrap_or_default()
    }
}

/// Guesses the issuer from the first lines of the extracted text, else the
/// file name (without extension).
pub fn guess(file_name: &str, text: &str) -> Guess {
    let head: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(40)
        .collect();
    let caption = head.iter().find_map(|line| {
        let (label, value) = line.split_once(['：', ':'])?;
        let label: String = label.chars().filter(|c| !c.is_whitespace()).collect();
        matches!(label.as_str(), "部门名称" | "单位名称" | "填报单位")
            .then(|| value.split('\t').next().unwrap_or("").trim().to_string())
            .filter(|v| !v.is_empty())
    });
    let title = || {
        head.iter()
            .take(8)
            .find_map(|line| issuer_in(&line.replace([' ', '\u{3000}', '\t'], "")))
    };
    let stem = file_name
        .rsplit('/')
        .next()
        .unwrap_or(file_name)
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    let (issuer, from) = match caption {
        Some(issuer) => (issuer, "部门名称"),
        None => match title() {
            Some(issuer) => (issuer, "title"),
            None => (
                issuer_in(stem).unwrap_or_else(|| stem.to_string()),
                "file name",
            ),
        },
    };
    let (province, city, county) = places_in(&issuer);
    let level = match (&county, &city, &province) {
        (Some(c), _, _) if c.ends_with('区') => Level::District,
        (Some(_), _, _) => Level::County,
        (None, Some(_), _) => Level::City,
        (None, None, Some(_)) => Level::Province,
        (None, None, None) => Level::City,
    };
    Guess {
        issuer,
        province,
        city,
        county,
        level,
        from,
    }
}

/// The bureau's name at the start of a title: up to the last 局/委/… before
/// a list suffix (`石家庄市鹿泉区质量技术监督局责任清单` → `…监督局`).
fn issuer_in(title: &str) -> Option<String> {
    let body = TITLE_SUFFIXES
        .iter()
        .find_map(|s| title.find(s).map(|at| &title[..at]))?;
    let end = ISSUER_ENDS
        .iter()
        .filter_map(|e| body.rfind(e).map(|at| at + e.len()))
        .max()?;
    let issuer = body[..end].trim_start_matches(|c: char| !is_cjk(c));
    (issuer.chars().count() >= 3).then(|| issuer.to_string())
}

/// Province, city and county named in an issuer's name.
fn places_in(name: &str) -> (Option<String>, Option<String>, Option<String>) {
    let mut rest = name;
    let province = PROVINCES.iter().find_map(|p| {
        let short = p.trim_end_matches(['省', '市']).trim_end_matches("自治区");
        if let Some(r) = rest.strip_prefix(p) {
            rest = r;
            Some(p.to_string())
        } else if p.ends_with('省')
            && rest.starts_with(short)
            && !rest[short.len()..].starts_with('市')
        {
            rest = &rest[short.len()..];
            Some(p.to_string())
        } else {
            None
        }
    });
    let municipality = province.as_deref().is_some_and(|p| p.ends_with('市'));
    let city = if municipality {
        province.clone()
    } else {
        admin_unit(&mut rest, &["市", "州", "盟", "地区"])
    };
    let county = admin_unit(&mut rest, &["区", "县", "旗"]);
    (province, city, county)
}

/// The next `…市` / `…县` style unit of 2 to 7 characters at the start of
/// `rest`, consumed.
fn admin_unit(rest: &mut &str, ends: &[&str]) -> Option<String> {
    // In order of preference: 郑州市 is a 市, not a 州.
    let end = ends
        .iter()
        .filter_map(|e| rest.find(e).map(|at| at + e.len()))
        .find(|&end| (2..=7).contains(&rest[..end].chars().count()))?;
    let unit = &rest[..end];
    // 质量技术监督局 is no place: units are names, not bureau words.
    if unit.contains('局') || unit.contains('监') {
        return None;
    }
    *rest = &rest[end..];
    Some(unit.to_string())
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_issuer_place_and_level() {
        let g = guess(
            "x.docx",
            "石家庄市鹿泉区质量技术监督局责任清单\n一、部门职责\n",
        );
        assert_eq!(g.issuer, "石家庄市鹿泉区质量技术监督局");
        assert_eq!(g.city.as_deref(), Some("石家庄市"));
        assert_eq!(g.county.as_deref(), Some("鹿泉区"));
        assert_eq!(g.level, Level::District);
        assert_eq!(g.from, "title");

        let g = guess("x.pdf", "责任清单\n部门名称：常德市质量技术监督局\n");
        assert_eq!(g.issuer, "常德市质量技术监督局");
        assert_eq!((g.level, g.place().as_str()), (Level::City, "常德市"));

        let g = guess("威县质量技术监督局责任清单.pdf", "一、部门职责\n");
        assert_eq!(g.issuer, "威县质量技术监督局");
        assert_eq!(g.county.as_deref(), Some("威县"));
        assert_eq!(g.level, Level::County);
        assert_eq!(g.from, "file name");

        let g = guess("a.html", "河北省衡水市市场监督管理局权责清单\n");
        assert_eq!(g.province.as_deref(), Some("河北省"));
        assert_eq!(g.city.as_deref(), Some("衡水市"));
    }
}
