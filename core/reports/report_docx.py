"""The report as a DOCX in the administrative format of Decree 30/2020/NĐ-CP, Annex I.

A4; margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 13 pt (14 pt for the motto
and the title); the issuing body and the national motto side by side, "Số: …/BC-…", the place and
date line, the title, sections I–V of the annex outline of Decision 20/2024/QĐ-UBND, then "Nơi nhận"
and the signature block. The document is in the province's working language (Vietnamese): it is
an official record, not a screen. `render` is a pure function of the figures and the texts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

import i18n
from i18n.labels import CATEGORIES

FONT = "Times New Roman"
BODY_PT = 13
MOTTO_PT = 13
TITLE_PT = 14
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}

# The prose a unit writes in the web before generating (pre-seeded with the facts, see `seed_texts`).
TEXT_FIELDS = ("situation", "documents", "staff_note", "programme_note", "difficulties", "shortcomings", "solutions",
               "directions", "proposals_province", "proposals_ministry", "recipients", "signer_title", "signer_name")

SECTIONS = ("I. ĐẶC ĐIỂM TÌNH HÌNH", "II. KẾT QUẢ THỰC HIỆN", "III. ĐÁNH GIÁ CHUNG",
            "IV. PHƯƠNG HƯỚNG NHIỆM VỤ NĂM TỚI", "V. ĐỀ XUẤT, KIẾN NGHỊ")
STATES = {"online": "đang hoạt động", "offline": "mất kết nối", "unpaired": "chưa kết nối", "retired": "ngừng sử dụng"}
KINDS = {"border_gate": "khu vực cửa khẩu", "public": "công cộng"}
ROLES = {"administrator": "quản trị", "editor": "biên tập", "operator": "vận hành", "translator": "dịch thuật",
         "inspector": "thanh tra, kiểm tra", "contributor": "cộng tác viên"}
LANGUAGES = {"vi": "tiếng Việt", "en": "tiếng Anh", "zh": "tiếng Trung", "hmn": "tiếng Mông", "tai": "tiếng Thái",
             "dao": "tiếng Dao", "hni": "tiếng Hà Nhì"}
INCIDENT_KINDS = {"board_offline": "bảng tin mất kết nối", "technical": "kỹ thuật", "security": "an toàn thông tin"}


@dataclass(frozen=True, slots=True)
class Heading:
    """Who issues the report and how it is named."""

    issuer: str  # the unit's name at the report date
    parent: str | None  # the body above it, printed over the issuer ("UBND TỈNH LAI CHÂU")
    short_code: str  # "UBND", "SVHTTDL": the "/BC-…" suffix
    number: str | None
    place: str
    signed_on: date
    title: str  # "Hoạt động quản lý, vận hành cụm thông tin điện tử công cộng năm 2026"
    synthesis: bool


def number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return i18n.format_number(round(value, digits) if digits else round(value), "vi")


def seed_texts(figures: dict[str, Any], *, synthesis: bool) -> dict[str, str]:
    """Prose pre-seeded with the facts, for the unit to rewrite in the web."""
    incidents = figures["incidents"]
    shortfall = figures["board_days_aired"] - figures["board_days_compliant"]
    who = "các cụm" if synthesis else "đơn vị"
    return {
        "situation": (f"Trong kỳ báo cáo, {who} quản lý, vận hành {figures['clusters_total']} cụm thông tin điện tử "
                      f"công cộng ({figures['clusters_border_gate']} cụm tại khu vực cửa khẩu) với "
                      f"{figures['boards_total']} bảng tin điện tử."),
        "documents": "",
        "staff_note": "",
        "programme_note": "",
        "difficulties": (f"Có {number(shortfall)} ngày-bảng tin chưa đủ 3 giờ buổi sáng và 3 giờ buổi chiều; "
                         f"{number(incidents['total'])} sự cố, đã xử lý {number(incidents['resolved'])}."),
        "shortcomings": "",
        "solutions": "",
        "directions": "",
        "proposals_province": "",
        "proposals_ministry": "",
        "recipients": "Như trên;\nLưu: VT.",
        "signer_title": "THỦ TRƯỞNG ĐƠN VỊ",
        "signer_name": "",
    }


def _font(run: Any, *, size: int = BODY_PT, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _para(container: Any, text: str = "", *, size: int = BODY_PT, bold: bool = False, italic: bool = False,
          align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = False, after: int = 6) -> Any:
    p = container.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.space_before = Pt(0)
    if indent:
        p.paragraph_format.first_line_indent = Mm(10)
    if text:
        _font(p.add_run(text), size=size, bold=bold, italic=italic)
    return p


def _cell(cell: Any, lines: list[tuple[str, dict[str, Any]]]) -> None:
    cell.paragraphs[0].text = ""
    first = True
    for text, style in lines:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        _font(p.add_run(text), **style)


def _table(doc: Any, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell(cell, [(text, {"size": 12, "bold": True})])
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            _cell(cell, [(text, {"size": 12})])
    _para(doc, after=0)


def _prose(doc: Any, text: str | None, *, empty: str = "(Đơn vị bổ sung nội dung.)") -> None:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for line in lines or [empty]:
        _para(doc, line, indent=True, italic=not lines)


def render(figures: dict[str, Any], texts: dict[str, str], heading: Heading) -> bytes:
    """The DOCX bytes of the report."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)

    # The issuing body beside the national motto; the number beside the place and date.
    top = doc.add_table(rows=2, cols=2)
    top.alignment = WD_TABLE_ALIGNMENT.CENTER
    left = [(heading.parent.upper(), {"size": 13})] if heading.parent else []
    left.append((heading.issuer.upper(), {"size": 13, "bold": True}))
    _cell(top.cell(0, 0), left)
    _cell(top.cell(0, 1), [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {"size": 12, "bold": True}),
                           ("Độc lập - Tự do - Hạnh phúc", {"size": MOTTO_PT, "bold": True})])
    _cell(top.cell(1, 0), [(f"Số: {heading.number or '      '}/BC-{heading.short_code}", {"size": 13})])
    _cell(top.cell(1, 1), [(i18n.vietnamese_long_date(heading.signed_on, heading.place), {"size": 14, "italic": True})])
    _para(doc, after=0)
    _para(doc, "BÁO CÁO", size=TITLE_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(doc, heading.title, size=TITLE_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)

    f = figures
    period = (f"(Số liệu từ ngày {date.fromisoformat(f['period_start']).strftime('%d/%m/%Y')} "
              f"đến ngày {date.fromisoformat(f['period_end']).strftime('%d/%m/%Y')})")
    _para(doc, period, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)

    # I. Situation
    _para(doc, SECTIONS[0], bold=True)
    _prose(doc, texts.get("situation"))
    states = ", ".join(f"{number(n)} {STATES.get(s, s)}" for s, n in f["board_states"].items()) or "—"
    _para(doc, f"Tình trạng bảng tin cuối kỳ: {states}.", indent=True)

    # II. Results
    _para(doc, SECTIONS[1], bold=True)
    _para(doc, "1. Công tác ban hành văn bản chỉ đạo, hướng dẫn", bold=True)
    _prose(doc, texts.get("documents"))
    _para(doc, "2. Bố trí nhân lực quản lý, vận hành", bold=True)
    staff = "; ".join(f"{ROLES.get(r, r)}: {number(n)}" for r, n in f["staff"].items()) or "—"
    _para(doc, f"Tài khoản cán bộ đang hoạt động theo vai trò: {staff}.", indent=True)
    if texts.get("staff_note"):
        _prose(doc, texts["staff_note"])
    _para(doc, "3. Xây dựng chương trình nội dung", bold=True)
    _para(doc, f"Tiếp nhận {number(f['submissions_received'])} tin, bài; duyệt đăng {number(f['items_approved'])} "
               f"tin, bài; {number(f['items_aired'])} tin, bài đã được phát với {number(f['plays'])} lượt phát, "
               f"tổng thời lượng {number(f['hours_aired'], 1)} giờ.", indent=True)
    _table(doc, ["Lĩnh vực (Điều 7)", "Số tin, bài", "Thời lượng (giờ)"],
           [[f"{code}. {i18n.gettext('vi', CATEGORIES.get(code, code))}", number(v["items"]), number(v["hours"], 1)]
            for code, v in f["items_by_category"].items()] or [["—", "0", "0"]])
    languages = "; ".join(f"{LANGUAGES.get(k, k)}: {number(n)}" for k, n in f["items_by_language"].items()) or "—"
    _para(doc, f"Theo ngôn ngữ (số tin, bài): {languages}.", indent=True)
    _table(doc, ["Đơn vị cung cấp", "Số tin, bài", "Lượt phát"],
           [[s["unit"], number(s["items"]), number(s["plays"])] for s in f["items_by_source"]] or [["—", "0", "0"]])
    if texts.get("programme_note"):
        _prose(doc, texts["programme_note"])
    _para(doc, "4. Phát sóng các chương trình do Sở cung cấp", bold=True)
    ed = f["editor_supplied"]
    _para(doc, f"Đã phát {number(ed['items'])} tin, bài do cơ quan biên tập cấp tỉnh cung cấp, {number(ed['plays'])} "
               f"lượt, {number(ed['hours'], 1)} giờ.", indent=True)
    _para(doc, f"Thời lượng theo khung giờ (Điều 8.1: tối thiểu 3 giờ buổi sáng và 3 giờ buổi chiều): "
               f"{number(f['board_days_compliant'])}/{number(f['board_days_aired'])} ngày-bảng tin đạt "
               f"({number(f['compliance_percent'], 1) if f['compliance_percent'] is not None else '—'} %).",
          indent=True)
    _table(
        doc,
        ["Cụm", "Loại", "Bảng tin", "Giờ phát", "Buổi sáng (giờ)", "Buổi chiều (giờ)", "Ngày đạt / ngày phát"],
        [
            [
                c["name"],
                KINDS.get(c["kind"], c["kind"]),
                number(c["boards"]),
                number(c["hours_aired"], 1),
                number(c["hours_morning"], 1),
                number(c["hours_afternoon"], 1),
                f"{number(c['board_days_compliant'])}/{number(c['board_days_aired'])}",
            ]
            for c in f["clusters"]
        ]
        or [["—", "", "0", "0", "0", "0", "0/0"]],
    )
    ad = f["advertising_percent"]
    _para(
        doc,
        f"Phát khẩn cấp: {number(f['emergencies'])} lần, {number(f['emergency_plays'])} lượt phát, "
        f"{number(f['emergency_hours'], 1)} giờ. Quảng cáo: {number(f['advertising_hours'], 1)} giờ, "
        f"chiếm {number(ad, 2) if ad is not None else '—'} % thời lượng phát.",
        indent=True,
    )
    inc = f["incidents"]
    kinds = "; ".join(f"{INCIDENT_KINDS.get(k, k)}: {number(n)}" for k, n in inc["by_kind"].items()) or "—"
    mean = inc["mean_hours_to_resolve"]
    _para(
        doc,
        f"Sự cố: {number(inc['total'])} ({kinds}); đã xử lý {number(inc['resolved'])}"
        + (f", thời gian xử lý trung bình {number(mean, 1)} giờ." if mean is not None else "."),
        indent=True,
    )
    _para(doc, "5. Kinh phí vận hành hằng năm", bold=True)
    _table(
        doc,
        ["Bảng tin", "Vị trí", "Ngày lắp đặt", "Tình trạng", "Kinh phí năm (đồng)"],
        [
            [
                b["name"],
                b["location"] or "",
                date.fromisoformat(b["installed_on"]).strftime("%d/%m/%Y") if b["installed_on"] else "",
                STATES.get(b["status"], b["status"]),
                number(b["yearly_cost_vnd"]) if b["yearly_cost_vnd"] is not None else "chưa nhập",
            ]
            for b in f["boards"]
        ]
        or [["—", "", "", "", "0"]],
    )
    _para(
        doc,
        f"Tổng kinh phí vận hành năm: {number(f['yearly_cost_vnd'])} đồng"
        + (f" ({number(f['boards_without_cost'])} bảng tin chưa nhập kinh phí)." if f["boards_without_cost"] else "."),
        indent=True,
    )
    _para(
        doc,
        f"Bảo trì, sửa chữa trong kỳ: {number(f['maintenance'])} lần, chi phí "
        f"{number(f['maintenance_cost_vnd'])} đồng.",
        indent=True,
    )

    # III–V. Prose
    _para(doc, SECTIONS[2], bold=True)
    _para(doc, "1. Thuận lợi, khó khăn", bold=True)
    _prose(doc, texts.get("difficulties"))
    _para(doc, "2. Tồn tại, hạn chế và nguyên nhân", bold=True)
    _prose(doc, texts.get("shortcomings"))
    _para(doc, "3. Giải pháp", bold=True)
    _prose(doc, texts.get("solutions"))
    _para(doc, SECTIONS[3], bold=True)
    _prose(doc, texts.get("directions"))
    _para(doc, SECTIONS[4], bold=True)
    _para(doc, "1. Đối với Ủy ban nhân dân tỉnh", bold=True)
    _prose(doc, texts.get("proposals_province"))
    _para(doc, "2. Đối với Bộ", bold=True)
    _prose(doc, texts.get("proposals_ministry"))

    # "Nơi nhận" beside the signature block.
    end = doc.add_table(rows=1, cols=2)
    recipients = [line.strip() for line in (texts.get("recipients") or "").splitlines() if line.strip()]
    cell = end.cell(0, 0)
    cell.paragraphs[0].text = ""
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    _font(p.add_run("Nơi nhận:"), size=12, bold=True, italic=True)
    for line in recipients:
        q = cell.add_paragraph()
        q.paragraph_format.space_after = Pt(0)
        _font(q.add_run(f"- {line}"), size=11)
    _cell(
        end.cell(0, 1),
        [
            (texts.get("signer_title") or "THỦ TRƯỞNG ĐƠN VỊ", {"size": 13, "bold": True}),
            ("", {}),
            ("", {}),
            ("", {}),
            (texts.get("signer_name") or "", {"size": 13, "bold": True}),
        ],
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
