#!/usr/bin/env python3
"""Renders the five seed documents into the formats real publishers use
(.docx, .xlsx, .html, .pdf) plus a set of broken files, for the format
readers' tests:

    python3 scripts/make-fixtures.py            # writes tests/fixtures/formats/

Content comes from the seeds themselves: table rows from the parsed records
(`qsearch records --json`, run by this script), prose sections from the
original seed lines (hard-wrapped lines joined into paragraphs).

Needs: Python 3.11+, `pip install python-docx openpyxl Pillow`,
`apt-get install libreoffice-writer-nogui poppler-utils qpdf fonts-noto-cjk`
and a built `target/release/qsearch` (or --qsearch PATH / --records FILE).

Output is deterministic where the tools allow: fixed core properties and
zip timestamps in .docx/.xlsx, fixed dates and IDs in the PDFs. The
encrypted PDF uses qpdf's static-id/static-IV test switches for the same
reason.
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXED_DATE = dt.datetime(2016, 1, 4, 9, 0, 0)
ZIP_DATE = (2016, 1, 4, 9, 0, 0)

# Publisher-style file names, one per seed (by prefix).
NAMES = {
    "000": "鹿泉区质监局责任清单",
    "001": "常德市质监局责任清单",
    "002": "临沂市质监局责任清单",
    "003": "威县质监局责任清单",
    "004": "衡水市市场监管局监管制度",
}

# Boundary-table header wordings differ per file so that heading
# recognition is exercised: (matter, department, duty).
BOUNDARY_WORDS = {
    "000": ("管理事项", "相关部门", "职责分工"),
    "001": ("职责事项", "责任部门", "职责边界"),
    "002": ("事项名称", "涉及部门", "具体职责"),
    "003": ("管理事项", "相关部门", "职责分工"),
}

# Duty tables: (header, record field) after 序号, as each list has them.
DUTY_COLUMNS = {
    "000": [("主要职责", "main_duty"), ("具体工作事项", "work_item"), ("责任科室", "unit"), ("备注", "remark")],
    "001": [("主要职责", "main_duty"), ("具体工作事项", "work_item"), ("法律依据", "basis"), ("备注", "remark")],
    "002": [("主要职责", "main_duty"), ("具体责任事项", "work_item"), ("追责依据及追责情形", "basis")],
    "003": [("主要职责", "main_duty"), ("具体工作事项", "work_item"), ("责任股室", "unit"), ("备注", "remark")],
}

SERVICE_COLUMNS = {
    "000": [("服务事项", "service"), ("主要内容", "content"), ("承办机构", "unit"), ("联系电话", "phone")],
    "001": [("服务事项", "service"), ("主要内容", "content"), ("法律依据", "basis"), ("承办机构", "unit"), ("联系电话", "phone")],
    "002": [("服务事项", "service"), ("主要内容", "content"), ("办理机构", "unit"), ("联系电话", "phone")],
    "003": [("服务事项", "service"), ("主要内容", "content"), ("承办股室（单位）", "unit"), ("联系电话", "phone")],
}

# Relative column widths (first entry is 序号).
WIDTHS = {
    "boundary": [1.2, 2.8, 2.6, 8.0, 6.0, 5.1],
    "duties5": [1.2, 6.0, 9.0, 6.0, 3.5],
    "duties4": [1.2, 6.0, 10.0, 8.5],
    "public_service5": [1.2, 4.5, 11.0, 5.0, 4.0],
    "public_service6": [1.2, 4.0, 8.5, 5.5, 4.0, 2.5],
}

# Supervision subsection heading lines (FORMATS.md): rendered as headings.
SUBSECTIONS = {
    "000": [911, 981, 1035, 1073, 1143, 1207, 1261, 1323, 1369, 1409, 1487, 1553, 1683, 1727, 1771, 1835],
    "001": [890, 967, 1024, 1078, 1239, 1351, 1406, 1443],
    "002": [98, 166, 224, 270, 332, 393, 431, 483, 523, 589],
    "003": [666, 764, 897, 1145, 1262, 1329, 1407, 1485, 1655, 1745, 1905, 2062],
    "004": [4, 39, 72, 96, 177, 234, 281, 350, 434, 483, 540, 583, 608, 647, 684, 735, 773, 822, 853, 890],
}
# 004 has no top-level heading; its prose starts after the title (lines 1-3).
PROSE_ONLY_START = {"004": 4}

SECTION_RE = re.compile(
    r"^\s*[一二三四五]、(部门(主要)?职责|(与相关部门的)?(部门)?职责边界|公共服务事项"
    r"|事中事后监(督)?管(理)?制度|责任追究机制)(登记表)?\s*$"
)
SECTION_NAMES = {
    "duties": "部门职责",
    "boundary": "职责边界",
    "public_service": "公共服务事项",
    "supervision": "事中事后监管制度",
    "accountability": "责任追究机制",
}
NUMERALS = "一二三四五六七八九十"

LIST_MARKER = re.compile(
    r"^(（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、"
    r"|（\d+）|\(\d+\)|\d+[.、．]|[①-⑳])"
)
CN_HEADING = re.compile(r"^(（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、)")

CJK_FONT_BODY = "Noto Serif CJK SC"
CJK_FONT_HEAD = "Noto Sans CJK SC"


# ---------------------------------------------------------------- model ---

@dataclass
class Cell:
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    bold: bool = False

    @property
    def lines(self) -> list[str]:
        return [l for l in self.text.split("\n") if l.strip()] or [""]


@dataclass
class Table:
    kind: str                       # duties | boundary | public_service
    header: list[str]
    widths: list[float]
    caption: str | None = None      # 部门名称：… row merged across all columns
    rows: list[list[Cell | None]] = field(default_factory=list)  # None: covered by a rowspan

    @property
    def ncols(self) -> int:
        return len(self.header)


@dataclass
class Block:
    kind: str   # title | meta | h1 | h2 | p | table
    text: str = ""
    table: Table | None = None


@dataclass
class Doc:
    prefix: str
    name: str
    issuer: str
    catalog: dict
    blocks: list[Block]
    # (sheet name, blocks) per top-level section, for the workbook
    sections: list[tuple[str, list[Block]]]


# -------------------------------------------------------------- content ---

def is_cjk(c: str) -> bool:
    o = ord(c)
    return (0x3000 <= o <= 0x303F or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF
            or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or 0x2018 <= o <= 0x201F
            or 0x2014 <= o <= 0x2026)


def remove_cjk_spaces(text: str) -> str:
    """Drops the spaces PDF justification put between CJK characters (003)."""
    def repl(m: re.Match) -> str:
        b, a = m.group(1), m.group(2)
        if (is_cjk(b) and (is_cjk(a) or a.isdigit())) or (b.isdigit() and is_cjk(a)):
            return b + a
        return b + " " + a
    prev = None
    while prev != text:
        prev = text
        text = re.sub(r"(\S)[ \u3000\u00a0]+(\S)", repl, text)
    return text


def ends_sentence(s: str) -> bool:
    return s.rstrip().endswith(tuple("。；：！？;!?"))


def is_short_heading(s: str) -> bool:
    """`一、监督检查对象`, `（一）日常监督检查`: a numbered heading, not a wrapped item."""
    m = CN_HEADING.match(s)
    return bool(m) and len(s) <= 20 and not re.search(r"[，。；：,;:]", s[m.end():])


def join(a: str, b: str) -> str:
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return a + " " + b
    return a + b


def prose_blocks(prefix: str, lines: list[str], start: int, end: int) -> list[Block]:
    """Paragraphs of seed lines start..end (1-based, inclusive)."""
    subs = set(SUBSECTIONS[prefix])
    paras: list[list] = []   # [text, is_subsection]
    for no in range(start, end + 1):
        s = lines[no - 1].strip()
        if prefix == "003":
            s = remove_cjk_spaces(s)
        if not s:
            continue
        last = paras[-1] if paras else None
        if (last and not last[1] and no not in subs and not ends_sentence(last[0])
                and not is_short_heading(last[0]) and not LIST_MARKER.match(s)):
            last[0] = join(last[0], s)
        else:
            paras.append([s, no in subs])
    return [Block("h2" if sub else "p", text) for text, sub in paras]


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s or "")


def runs(values: list[str]) -> list[tuple[int, int]]:
    """(start, length) of maximal runs of equal (whitespace-insensitive) values."""
    out, i = [], 0
    while i < len(values):
        j = i + 1
        while j < len(values) and squash(values[j]) == squash(values[i]):
            j += 1
        out.append((i, j - i))
        i = j
    return out


def boundary_table(prefix: str, issuer: str, recs: list[dict]) -> Table:
    m, d, y = BOUNDARY_WORDS[prefix]
    t = Table("boundary", ["序号", m, d, y, "相关依据", "案例"], WIDTHS["boundary"], f"部门名称：{issuer}")
    groups = [list(g) for _, g in groupby(recs, key=lambda r: r["fields"]["matter"])]
    for gi, group in enumerate(groups):
        f0 = group[0]["fields"]
        n = len(group)
        # 000:808 酒类食品流通管理 has no number in the published list.
        number = "" if (prefix == "000" and f0["matter"] == "酒类食品流通管理") else str(gi + 1)
        rows: list[list[Cell | None]] = []
        for k, r in enumerate(group):
            f = r["fields"]
            rows.append([
                Cell(number, n) if k == 0 else None,
                Cell(f0["matter"], n) if k == 0 else None,
                Cell(f["department"]["as_written"]),
                Cell(f["duty"]),
                Cell(""), Cell(""),
            ])
        for col, key in ((4, "basis"), (5, "case")):
            vals = [r["fields"].get(key, "") for r in group]
            for s, ln in runs(vals):
                rows[s][col] = Cell(vals[s], ln)
                for k in range(s + 1, s + ln):
                    rows[k][col] = None
        t.rows.extend(rows)
    return t


def duty_table(prefix: str, issuer: str, recs: list[dict]) -> Table:
    cols = DUTY_COLUMNS[prefix]
    t = Table("duties", ["序号"] + [h for h, _ in cols], WIDTHS[f"duties{len(cols) + 1}"], f"部门名称：{issuer}")
    groups = [list(g) for _, g in groupby(recs, key=lambda r: r["fields"]["main_duty"])]
    for gi, group in enumerate(groups):
        n = len(group)
        for k, r in enumerate(group):
            f = r["fields"]
            row: list[Cell | None] = [Cell(str(gi + 1), n) if k == 0 else None]
            for _, key in cols:
                if key == "main_duty":
                    row.append(Cell(f["main_duty"], n) if k == 0 else None)
                else:
                    row.append(Cell(f.get(key, "")))
            t.rows.append(row)
    return t


def service_table(prefix: str, recs: list[dict]) -> Table:
    cols = SERVICE_COLUMNS[prefix]
    t = Table("public_service", ["序号"] + [h for h, _ in cols], WIDTHS[f"public_service{len(cols) + 1}"])
    for i, r in enumerate(recs):
        t.rows.append([Cell(str(i + 1))] + [Cell(r["fields"].get(key, "")) for _, key in cols])
    return t


def build_doc(prefix: str, seed_file: str, cat: dict, records: list[dict]) -> Doc:
    issuer = cat["issuer"]
    lines = (SEEDS / seed_file).read_text(encoding="utf-8").split("\n")
    recs = [r for r in records if r["source"]["file"] == seed_file]
    blocks = [Block("title", f"{issuer}责任清单")]
    if prefix in ("001", "002", "003"):
        blocks.append(Block("meta", f"部门名称：{issuer}"))
    sections: list[tuple[str, list[Block]]] = []

    if prefix in PROSE_ONLY_START:
        body = prose_blocks(prefix, lines, PROSE_ONLY_START[prefix], len(lines))
        blocks += body
        sections.append(("事中事后监管制度", body))
    else:
        heads = []
        for no, line in enumerate(lines, 1):
            m = SECTION_RE.match(line)
            if m:
                name = m.group(1)
                kind = ("duties" if "职责" in name and "边界" not in name else
                        "boundary" if "边界" in name else
                        "public_service" if "公共服务" in name else
                        "accountability" if "追究" in name else "supervision")
                heads.append((no, kind))
        for i, (no, kind) in enumerate(heads):
            end = heads[i + 1][0] - 1 if i + 1 < len(heads) else len(lines)
            heading = f"{NUMERALS[i]}、{SECTION_NAMES[kind]}"
            sec = [r for r in recs if r["section"] == kind]
            if kind == "boundary":
                body = [Block("table", table=boundary_table(prefix, issuer, sec))]
            elif kind == "duties":
                body = [Block("table", table=duty_table(prefix, issuer, sec))]
            elif kind == "public_service":
                body = [Block("table", table=service_table(prefix, sec))]
            else:
                body = prose_blocks(prefix, lines, no + 1, end)
            blocks.append(Block("h1", heading))
            blocks += body
            sections.append((SECTION_NAMES[kind], [Block("h1", heading)] + body))
    return Doc(prefix, NAMES[prefix], issuer, cat, blocks, sections)


# ----------------------------------------------------------------- docx ---

def write_docx(doc: Doc, path: Path) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    d = Document()

    def set_style_font(style, east: str, size: float, bold: bool | None = None):
        style.font.name = "Times New Roman"
        style.font.size = Pt(size)
        if bold is not None:
            style.font.bold = bold
        style.font.color.rgb = RGBColor(0, 0, 0)
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = OxmlElement("w:rFonts")
            rpr.insert(0, rfonts)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
        rfonts.set(qn("w:ascii"), "Times New Roman")
        rfonts.set(qn("w:hAnsi"), "Times New Roman")
        rfonts.set(qn("w:eastAsia"), east)
        rfonts.set(qn("w:cs"), "Times New Roman")

    set_style_font(d.styles["Normal"], CJK_FONT_BODY, 12)
    set_style_font(d.styles["Title"], CJK_FONT_HEAD, 20, True)
    set_style_font(d.styles["Heading 1"], CJK_FONT_HEAD, 16, True)
    set_style_font(d.styles["Heading 2"], CJK_FONT_HEAD, 13, True)
    d.styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # The default Title style draws a bottom border: drop it.
    ppr = d.styles["Title"].element.pPr
    if ppr is not None:
        for el in ppr.findall(qn("w:pBdr")):
            ppr.remove(el)

    sec = d.sections[0]
    landscape = doc.prefix != "004"
    sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = (Cm(29.7), Cm(21.0)) if landscape else (Cm(21.0), Cm(29.7))
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(2.0))
    sec.top_margin = sec.bottom_margin = Cm(2.2)
    sec.header_distance = sec.footer_distance = Cm(1.2)
    usable = (29.7 if landscape else 21.0) - 4.0

    hp = sec.header.paragraphs[0]
    hp.text = doc.issuer
    hp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for r in hp.runs:
        r.font.size = Pt(9)

    def field(par, instr: str):
        run = par.add_run()
        b = OxmlElement("w:fldChar"); b.set(qn("w:fldCharType"), "begin")
        it = OxmlElement("w:instrText"); it.set(qn("xml:space"), "preserve"); it.text = f" {instr} "
        s = OxmlElement("w:fldChar"); s.set(qn("w:fldCharType"), "separate")
        t = OxmlElement("w:t"); t.text = "1"
        e = OxmlElement("w:fldChar"); e.set(qn("w:fldCharType"), "end")
        for el in (b, it, s, t, e):
            run._r.append(el)
        run.font.size = Pt(9)

    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    style = {"000": "cn", "002": "cn", "001": "dash", "003": "dash"}.get(doc.prefix, "plain")
    if style == "cn":
        fp.add_run("第 ").font.size = Pt(9); field(fp, "PAGE"); fp.add_run(" 页 共 ").font.size = Pt(9)
        field(fp, "NUMPAGES"); fp.add_run(" 页").font.size = Pt(9)
    elif style == "dash":
        fp.add_run("- ").font.size = Pt(9); field(fp, "PAGE"); fp.add_run(" -").font.size = Pt(9)
    else:
        field(fp, "PAGE")

    def cell_write(cell, c: Cell, bold: bool = False, center: bool = False):
        for i, line in enumerate(c.lines):
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            p.paragraph_format.space_after = Pt(0)
            if center:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if line:
                run = p.add_run(line)
                run.font.size = Pt(10)
                run.bold = bold or c.bold

    def mark_header(row):
        trpr = row._tr.get_or_add_trPr()
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        trpr.append(el)

    first_h1 = True
    for b in doc.blocks:
        if b.kind == "title":
            d.add_paragraph(b.text, style="Title")
        elif b.kind == "meta":
            d.add_paragraph(b.text)
        elif b.kind == "h1":
            p = d.add_heading(b.text, level=1)
            if not first_h1:
                p.paragraph_format.page_break_before = True
            first_h1 = False
        elif b.kind == "h2":
            d.add_heading(b.text, level=2)
        elif b.kind == "p":
            p = d.add_paragraph(b.text)
            p.paragraph_format.first_line_indent = Pt(24)
        elif b.kind == "table":
            t = b.table
            extra = 1 if t.caption else 0
            nrows = len(t.rows) + 1 + extra
            table = d.add_table(rows=nrows, cols=t.ncols)
            table.style = d.styles["Table Grid"]
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            table.autofit = False
            total = sum(t.widths)
            widths = [Cm(usable * w / total) for w in t.widths]
            for i, col in enumerate(table.columns):
                col.width = widths[i]
            for row in table.rows:
                for i, c in enumerate(row.cells):
                    c.width = widths[i]
            if t.caption:
                cap = table.cell(0, 0).merge(table.cell(0, t.ncols - 1))
                cell_write(cap, Cell(t.caption))
                mark_header(table.rows[0])
            hr = table.rows[extra]
            for i, h in enumerate(t.header):
                cell_write(hr.cells[i], Cell(h), bold=True, center=True)
                hr.cells[i].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            mark_header(hr)
            for ri, row in enumerate(t.rows):
                r = ri + 1 + extra
                for ci, c in enumerate(row):
                    if c is None:
                        continue
                    cell = table.cell(r, ci)
                    if c.rowspan > 1:
                        cell = cell.merge(table.cell(r + c.rowspan - 1, ci))
                        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                    cell_write(cell, c, center=(ci == 0))
            d.add_paragraph()

    cp = d.core_properties
    cp.title = f"{doc.issuer}责任清单"
    cp.author = doc.issuer
    cp.last_modified_by = doc.issuer
    cp.subject = "权力清单和责任清单"
    cp.keywords = "责任清单"
    cp.comments = ""
    cp.category = ""
    cp.revision = 1
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    cp.last_printed = FIXED_DATE
    buf = io.BytesIO()
    d.save(buf)
    path.write_bytes(normalize_zip(buf.getvalue()))


def normalize_zip(data: bytes) -> bytes:
    """Same entries, fixed timestamps (and a fixed dcterms:modified)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                stamp = FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                blob = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, blob)
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, blob)
    return out.getvalue()


# ----------------------------------------------------------------- xlsx ---

def write_xlsx(doc: Doc, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    wrap_top = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(wrap_text=True, vertical="center", horizontal="center")
    font = Font(name="宋体", size=10)
    bold = Font(name="黑体", size=11, bold=True)
    title_font = Font(name="黑体", size=14, bold=True)

    for sheet_name, blocks in doc.sections:
        ws = wb.create_sheet(sheet_name)
        tables = [b.table for b in blocks if b.kind == "table"]
        heading = next((b.text for b in blocks if b.kind == "h1"), f"{doc.issuer}责任清单")
        if tables:
            t = tables[0]
            n = t.ncols
            total = sum(t.widths)
            for i, w in enumerate(t.widths):
                ws.column_dimensions[get_column_letter(i + 1)].width = round(150 * w / total, 1)
            ws.cell(1, 1, heading).font = title_font
            ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
            ws.row_dimensions[1].height = 28
            r = 2
            if t.caption:
                ws.cell(r, 1, t.caption).font = font
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=n)
                r += 1
            for i, h in enumerate(t.header):
                c = ws.cell(r, i + 1, h)
                c.font, c.alignment, c.border = bold, centre, border
            ws.print_title_rows = f"{r}:{r}"
            ws.freeze_panes = ws.cell(r + 1, 1)
            r += 1
            for row in t.rows:
                for ci in range(n):
                    ws.cell(r, ci + 1).border = border
                    ws.cell(r, ci + 1).alignment = wrap_top
                for ci, c in enumerate(row):
                    if c is None:
                        continue
                    cell = ws.cell(r, ci + 1)
                    if c.text:
                        cell.value = int(c.text) if (ci == 0 and c.text.isdigit()) else "\n".join(c.lines)
                    cell.font = font
                    cell.alignment = centre if ci == 0 else (wrap if c.rowspan > 1 else wrap_top)
                    if c.rowspan > 1:
                        for k in range(1, c.rowspan):
                            ws.cell(r + k, ci + 1).border = border
                        ws.merge_cells(start_row=r, start_column=ci + 1, end_row=r + c.rowspan - 1, end_column=ci + 1)
                r += 1
        else:
            ws.column_dimensions["A"].width = 120
            ws.cell(1, 1, heading).font = title_font
            r = 2
            for b in blocks:
                if b.kind == "h1":
                    continue
                c = ws.cell(r, 1, b.text)
                c.font = bold if b.kind == "h2" else font
                c.alignment = Alignment(wrap_text=True, vertical="top")
                r += 1
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4

    p = wb.properties
    p.title = f"{doc.issuer}责任清单"
    p.creator = doc.issuer
    p.lastModifiedBy = doc.issuer
    p.created = FIXED_DATE
    p.modified = FIXED_DATE
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(normalize_zip(buf.getvalue()))


# ----------------------------------------------------------------- html ---

# 000, 002, 004 declare `charset=gbk` the old way; 001, 003 `<meta charset="gb2312">`.
HTML_GBK_HTTP_EQUIV = {"000", "002", "004"}


def write_html(doc: Doc, path: Path) -> None:
    p = doc.prefix
    esc = lambda s: html.escape(s, quote=False)

    def inline(s: str) -> str:
        """Word-export style inline markup around Latin/digit runs (000, 002)."""
        s = esc(s)
        if p in ("000", "002"):
            s = re.sub(r"([0-9A-Za-z][0-9A-Za-z.\-]*)", r'<span lang="EN-US">\1</span>', s)
        return s

    def cell_html(c: Cell, tag: str = "td", header: bool = False) -> str:
        attrs = ""
        if c.rowspan > 1:
            attrs += f' rowspan="{c.rowspan}"'
        if c.colspan > 1:
            attrs += f' colspan="{c.colspan}"'
        if header:
            inner = f"<strong>{esc(c.text)}</strong>" if tag == "td" else esc(c.text)
            return f'<{tag}{attrs} align="center">{inner}</{tag}>'
        if not c.text.strip():
            return f"<{tag}{attrs}>&nbsp;</{tag}>"
        lines = c.lines
        if p == "001":
            # bare text, lines separated by <br>
            inner = "<br>".join(esc(l) for l in lines)
        else:
            inner = "".join(f"<p>{inline(l)}</p>" for l in lines)
        valign = ' valign="middle"' if c.rowspan > 1 else ""
        return f"<{tag}{attrs}{valign}>{inner}</{tag}>"

    out = []
    if p in HTML_GBK_HTTP_EQUIV:
        out.append('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
                   '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')
        out.append('<html xmlns="http://www.w3.org/1999/xhtml">')
        out.append("<head>")
        out.append('<meta http-equiv="Content-Type" content="text/html; charset=gbk" />')
    else:
        out.append("<!DOCTYPE html>")
        out.append('<html lang="zh-CN">')
        out.append("<head>")
        out.append('<meta charset="gb2312">')
    out.append(f"<title>{esc(doc.issuer)}责任清单_{esc(doc.catalog['place'])}人民政府</title>")
    out.append("<style>body{font-family:宋体,SimSun;font-size:14px} table{border-collapse:collapse} "
               "td,th{font-size:12px;padding:4px} h1{text-align:center;font-size:22px}</style>")
    out.append("</head>")
    out.append("<body>")
    out.append('<div class="top">首页&nbsp;&gt;&nbsp;政务公开&nbsp;&gt;&nbsp;权责清单</div>')
    out.append('<div class="content" id="zoom">')
    use_th = p in ("000", "003")
    sub_h3 = p in ("000", "002", "004")
    for b in doc.blocks:
        if b.kind == "title":
            out.append(f"<h1>{esc(b.text)}</h1>")
        elif b.kind == "meta":
            out.append(f'<p style="text-align:left">{esc(b.text)}</p>')
        elif b.kind == "h1":
            out.append(f"<h2>{esc(b.text)}</h2>")
        elif b.kind == "h2":
            out.append(f"<h3>{esc(b.text)}</h3>" if sub_h3 else f"<p><strong>{esc(b.text)}</strong></p>")
        elif b.kind == "p":
            if p == "001":
                out.append(f'<p style="text-indent:2em"><span style="font-family:仿宋_GB2312;font-size:16px">{esc(b.text)}</span></p>')
            else:
                out.append(f'<p style="text-indent:2em">{inline(b.text)}</p>')
        elif b.kind == "table":
            t = b.table
            out.append('<table border="1" cellspacing="0" cellpadding="0" width="100%">')
            out.append("<tbody>")
            if t.caption:
                out.append(f'<tr><td colspan="{t.ncols}">{esc(t.caption)}</td></tr>')
            tag = "th" if use_th else "td"
            out.append("<tr>" + "".join(cell_html(Cell(h), tag, header=True) for h in t.header) + "</tr>")
            for row in t.rows:
                out.append("<tr>" + "".join(cell_html(c) for c in row if c is not None) + "</tr>")
            out.append("</tbody>")
            out.append("</table>")
            out.append("<p>&nbsp;</p>")
    out.append("</div>")
    # © is not in GBK: a GB18030 four-byte sequence under a gbk/gb2312 label.
    copyright = "版权所有 ©" if p in ("000", "003") else "版权所有"
    out.append('<div class="foot">主办：' + esc(doc.catalog["place"]) + f"人民政府办公室&nbsp;&nbsp;{copyright}</div>")
    out.append("</body>")
    out.append("</html>")
    nl = "\r\n" if p in ("001", "003") else "\n"
    # GB18030 is GBK wherever GBK has the character; elsewhere it is the
    # four-byte form a GBK page would carry.
    path.write_bytes((nl.join(out) + nl).encode("gb18030"))


# ------------------------------------------------------------------ pdf ---

def docx_to_pdf(docx_files: list[Path], outdir: Path, work: Path) -> None:
    profile = work / "lo-profile"
    cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
           "--convert-to", "pdf", "--outdir", str(work / "pdf")] + [str(p) for p in docx_files]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=900)
    for f in docx_files:
        src = work / "pdf" / (f.stem + ".pdf")
        if not src.exists():
            sys.exit(f"soffice did not convert {f.name}")
        (outdir / src.name).write_bytes(fix_pdf(src.read_bytes(), work))


def fix_pdf(data: bytes, work: Path) -> bytes:
    """Fixed dates (same length, so offsets stay valid) and a content-derived /ID."""
    data = re.sub(rb"D:\d{14}", b"D:20160104090000", data)
    data = re.sub(rb"(<xmp:\w+Date>)\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", rb"\g<1>2016-01-04T09:00:00", data)
    # LibreOffice's trailer /DocChecksum covers the original dates; the
    # trailer follows the xref table, so dropping it moves no offset.
    data = re.sub(rb"/DocChecksum /[0-9A-F]{32}", b"", data)
    # qpdf's deterministic /ID hashes the original one too: fix it first.
    data = re.sub(rb"/ID\s*\[\s*<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>\s*\]", b"/ID [<" + b"0" * 32 + b"><" + b"0" * 32 + b">]", data)
    tmp_in, tmp_out = work / "fix-in.pdf", work / "fix-out.pdf"
    tmp_in.write_bytes(data)
    subprocess.run(["qpdf", "--deterministic-id", str(tmp_in), str(tmp_out)], check=True)
    return tmp_out.read_bytes()


# --------------------------------------------------------------- broken ---

def write_broken(out: Path, formats: Path, work: Path) -> list[tuple[str, str]]:
    """The broken files and the fixture each was made from."""
    made = []
    src_docx = formats / "docx" / f"{NAMES['000']}.docx"
    data = src_docx.read_bytes()
    (out / "损坏.docx").write_bytes(data[: len(data) // 2])
    made.append(("损坏.docx", "000"))

    src_pdf = formats / "pdf" / f"{NAMES['004']}.pdf"
    subprocess.run(["qpdf", "--static-id", "--static-aes-iv", "--encrypt", "qsearch", "owner-qsearch", "128",
                    "--use-aes=y", "--", str(src_pdf), str(out / "加密.pdf")], check=True)
    made.append(("加密.pdf", "004"))

    src_pdf = formats / "pdf" / f"{NAMES['002']}.pdf"
    prefix = work / "scan"
    subprocess.run(["pdftoppm", "-f", "3", "-l", "3", "-r", "96", "-gray", "-png", str(src_pdf), str(prefix)], check=True)
    png = sorted(work.glob("scan*.png"))[0]
    from PIL import Image
    img = Image.open(png).convert("L")
    img.save(out / "扫描件.pdf", "PDF", resolution=96.0, quality=50,
             title="扫描件", creationDate=FIXED_DATE.timetuple(), modDate=FIXED_DATE.timetuple())
    made.append(("扫描件.pdf", "002"))

    src_pdf = formats / "pdf" / f"{NAMES['003']}.pdf"
    data = src_pdf.read_bytes()
    (out / "截断.pdf").write_bytes(data[: len(data) * 4 // 10])
    made.append(("截断.pdf", "003"))

    (out / "未知格式.bin").write_bytes(random.Random(20160104).randbytes(4096))
    made.append(("未知格式.bin", None))

    ole = bytearray(2048)
    ole[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    ole[0x18:0x20] = bytes.fromhex("3E000300FEFF0900")   # minor 0x3E, major 3, little-endian, 512-byte sectors
    ole[0x20:0x22] = bytes.fromhex("0600")                # 64-byte mini sectors
    (out / "旧版.doc").write_bytes(bytes(ole))
    made.append(("旧版.doc", None))
    return made


# ---------------------------------------------------------------- main ----

def catalog_entry(cat: dict, file: str) -> str:
    lines = ["[[document]]", f'file = "{file}"']
    for key in ("issuer", "place", "province", "city", "county", "level"):
        if key in cat:
            lines.append(f'{key} = "{cat[key]}"')
    return "\n".join(lines) + "\n"


def write_catalog(path: Path, entries: list[tuple[dict, str]], what: str) -> None:
    text = (f"# {what}\n# Generated by scripts/make-fixtures.py from seeds/ (same bureaus as\n"
            "# seeds/catalog.toml; no `encoding`: the reader detects the format).\n")
    for cat, file in entries:
        text += "\n" + catalog_entry(cat, file)
    path.write_text(text, encoding="utf-8")


def load_records(args) -> list[dict]:
    if args.records:
        text = Path(args.records).read_text(encoding="utf-8")
    else:
        with tempfile.TemporaryDirectory() as data_dir:
            text = subprocess.run([args.qsearch, "records", "--json", "--seeds", str(SEEDS), "--data-dir", data_dir],
                                  check=True, capture_output=True, text=True).stdout
    return [json.loads(l) for l in text.splitlines() if l.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(ROOT / "tests" / "fixtures" / "formats"))
    ap.add_argument("--qsearch", default=str(ROOT / "target" / "release" / "qsearch"))
    ap.add_argument("--records", help="JSONL from `qsearch records --json` instead of running qsearch")
    ap.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice conversion and the broken PDFs")
    args = ap.parse_args()

    catalog = tomllib.loads((SEEDS / "catalog.toml").read_text(encoding="utf-8"))["document"]
    records = load_records(args)
    docs = []
    for cat in catalog:
        prefix = cat["file"][:3]
        docs.append(build_doc(prefix, cat["file"], cat, records))

    out = Path(args.out)
    dirs = {f: out / f for f in ("docx", "xlsx", "html", "pdf", "broken")}
    for f, d in dirs.items():
        if f == "pdf" and args.no_pdf:
            continue
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)

    for doc in docs:
        write_docx(doc, dirs["docx"] / f"{doc.name}.docx")
        write_xlsx(doc, dirs["xlsx"] / f"{doc.name}.xlsx")
        write_html(doc, dirs["html"] / f"{doc.name}.html")
    for fmt, ext in (("docx", "docx"), ("xlsx", "xlsx"), ("html", "html"), ("pdf", "pdf")):
        if fmt == "pdf" and args.no_pdf:
            continue
        write_catalog(dirs[fmt] / "catalog.toml", [(d.catalog, f"{d.name}.{ext}") for d in docs],
                      f"The seed documents as .{ext} files.")

    if not args.no_pdf:
        with tempfile.TemporaryDirectory() as work:
            work = Path(work)
            docx_to_pdf([dirs["docx"] / f"{d.name}.docx" for d in docs], dirs["pdf"], work)
            made = write_broken(dirs["broken"], out, work)
        by_prefix = {d.prefix: d.catalog for d in docs}
        # Files not cut from a fixture are attributed to 004's bureau so that
        # every broken file has an entry.
        entries = [(by_prefix[src or "004"], name) for name, src in made]
        write_catalog(dirs["broken"] / "catalog.toml", entries,
                      "Broken files (cut, encrypted, image-only, unknown, legacy .doc); each reader must fail cleanly.")

    for doc in docs:
        nb = sum(1 for b in doc.blocks if b.table and b.table.kind == "boundary" for _ in b.table.rows)
        print(f"{doc.prefix} {doc.name}: {nb} boundary rows, "
              f"{sum(1 for b in doc.blocks if b.kind == 'p')} paragraphs, "
              f"{sum(1 for b in doc.blocks if b.kind == 'h2')} subsections")


if __name__ == "__main__":
    main()
