"""The PDF of an authorized voucher (docs/arca-rules.md 8): A4, drawn straight on a reportlab canvas for speed.

Every block is laid out once into positioned text (a `_Block`), so its height is known before anything is drawn;
the lines are then split into pages knowing how many there are ("Página x de y") and that the last page must also
hold the totals, the legends and the CAE footer. Fonts are the standard Helvetica (never embedded, Latin-1 text
renders as is), streams are compressed, and the QR is vector: qrcode computes the matrix, each run of dark modules
is one rectangle.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import QRData
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from billing.domain.money import decimal_places
from billing.domain.vouchers.types import PESOS, full_number, voucher_class
from billing.printing.labels import (
    AUTHORIZED,
    FINAL_CONSUMER_LEGEND,
    MONOTRIBUTO_LEGEND,
    ORIGINAL,
    TRANSPARENCY_OTHER_TAXES,
    TRANSPARENCY_TITLE,
    TRANSPARENCY_VAT,
    VALIDITY_URL,
    VOUCHER_CODE,
    WITHHOLDING_LEGEND,
    Labels,
    format_date,
    format_document_number,
    format_tax_id,
    labels_for,
)
from billing.printing.sheet import InvoiceSheet, SheetLine

# Compressed streams stay binary: their ASCII85 armour costs a quarter more bytes and, in reportlab's pure-Python
# encoder, a good share of the rendering time. Read when a document is written; this renderer is reportlab's only
# user in the PDF function.
rl_config.useA85 = 0

REGULAR = "Helvetica"
BOLD = "Helvetica-Bold"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 12 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
PAGE_NUMBER_BASELINE = 9 * mm
CONTENT_BOTTOM = PAGE_NUMBER_BASELINE + 12  # the page-number line stays clear of everything else
GAP = 6  # between blocks
PADDING = 7  # inside boxes
RULE = 0.6  # box outlines
HAIRLINE = 0.25  # table row separators
GRAY_FILL = 0.9
GRAY_RULE = 0.75
GRAY_TEXT = 0.35

COPY_STRIP_HEIGHT = 16
LETTER_BOX_SIZE = 44
LOGO_MAX_WIDTH, LOGO_MAX_HEIGHT = 45 * mm, 16 * mm
QR_SIZE = 30 * mm  # the dark modules; the quiet zone lies around them
QR_BORDER = 4  # modules of quiet zone, the minimum the QR standard asks for
QR_MASK = 0
QR_CLEARANCE = 7  # from the footer rule to the code: more than the quiet zone, which is about 5 points
FOOTER_HEIGHT = QR_CLEARANCE + QR_SIZE + 6
TOTALS_WIDTH = 245
LEGEND_SPACING = 2.5

TABLE_FONT_SIZE = 8
TABLE_LEADING = 9.6
CELL_PADDING_X = 4
CELL_PADDING_Y = 2.6
TABLE_HEADER_HEIGHT = 16
QUANTITY_WIDTH, UNIT_WIDTH, PRICE_WIDTH, DISCOUNT_WIDTH, VAT_WIDTH, AMOUNT_WIDTH = 50, 48, 72, 58, 38, 78
MAX_PRICE_DECIMALS = 6


def render_invoice(sheet: InvoiceSheet) -> bytes:
    """The voucher's PDF: header and table header on every page, totals, legends and CAE footer on the last one."""
    return _Document(sheet).render()


# A text line of a block: where it sits relative to the block's top-left corner and how it is written.
@dataclass(frozen=True)
class _Text:
    x: float
    baseline: float  # distance below the block's top
    font: str
    size: float
    text: str
    right_aligned: bool = False  # then x is where the text ends
    gray: float = 0.0


@dataclass(frozen=True)
class _Image:
    reader: ImageReader
    x: float
    top: float
    width: float
    height: float


@dataclass
class _Block:
    """Lines stacked top-down within a width; `height` is what they take."""

    width: float
    height: float = 0.0
    texts: list[_Text] = field(default_factory=list)
    images: list[_Image] = field(default_factory=list)
    rules: list[float] = field(default_factory=list)  # hairlines across the block, by distance below its top

    def line(
        self,
        text: str,
        font: str = REGULAR,
        size: float = 8,
        *,
        gray: float = 0.0,
        after: float = 0,
    ):
        """One paragraph, wrapped to the width, and `after` points of space under it."""
        for piece in _wrap(text, font, size, self.width):
            self.texts.append(_Text(0, self._advance(size), font, size, piece, gray=gray))
        self.height += after

    def labelled(self, label: str, values: str | Sequence[str], size: float = 8):
        """ "Label: value", each value wrapped under the first one (hanging indent)."""
        caption = f"{label}: "
        indent = stringWidth(caption, BOLD, size)
        if indent > self.width * 0.6:  # a long label leaves no room: values go below it
            self.line(caption.strip(), BOLD, size)
            indent = 0
        first = True
        for value in [values] if isinstance(values, str) else values:
            for piece in _wrap(value, REGULAR, size, self.width - indent):
                baseline = self._advance(size)
                if first and indent:
                    self.texts.append(_Text(0, baseline, BOLD, size, caption))
                first = False
                self.texts.append(_Text(indent, baseline, REGULAR, size, piece))

    def pairs(self, pairs: Iterable[tuple[str, str]], size: float = 8, spacing: float = 16):
        """Several "label: value" on one line."""
        baseline, x = self._advance(size), 0.0
        for label, value in pairs:
            caption = f"{label}: "
            self.texts.append(_Text(x, baseline, BOLD, size, caption))
            x += stringWidth(caption, BOLD, size)
            self.texts.append(_Text(x, baseline, REGULAR, size, value))
            x += stringWidth(value, REGULAR, size) + spacing

    def amount(self, label: str, value: str, font: str = REGULAR, size: float = 8.5):
        """A totals row: label on the left, figure right-aligned."""
        baseline = self._advance(size, leading=size * 1.45)
        self.texts.append(_Text(0, baseline, font, size, label))
        self.texts.append(_Text(self.width, baseline, font, size, value, right_aligned=True))

    def image(self, reader: ImageReader, width: float, height: float):
        self.images.append(_Image(reader, 0, self.height, width, height))
        self.height += height

    def space(self, points: float):
        self.height += points

    def rule(self, spacing: float = 3):
        self.rules.append(self.height + spacing)
        self.height += 2 * spacing

    def _advance(self, size: float, leading: float | None = None) -> float:
        """Takes one line and returns its baseline: the cap height centred in the leading."""
        leading = leading or size * 1.3
        top = self.height
        self.height += leading
        return top + (leading + size * 0.7) / 2

    def draw(self, canvas: Canvas, left: float, top: float):
        for image in self.images:
            canvas.drawImage(
                image.reader,
                left + image.x,
                top - image.top - image.height,
                image.width,
                image.height,
                mask="auto",
            )
        if self.rules:
            canvas.setLineWidth(HAIRLINE)
            canvas.setStrokeGray(GRAY_RULE)
            for distance in self.rules:
                canvas.line(left, top - distance, left + self.width, top - distance)
            canvas.setStrokeGray(0)
        current = None
        for text in self.texts:
            if current != (text.font, text.size, text.gray):
                current = (text.font, text.size, text.gray)
                canvas.setFont(text.font, text.size)
                canvas.setFillGray(text.gray)
            x, y = left + text.x, top - text.baseline
            if text.right_aligned:
                canvas.drawRightString(x, y, text.text)
            else:
                canvas.drawString(x, y, text.text)
        canvas.setFillGray(0)


@dataclass(frozen=True)
class _Column:
    title: str
    width: float
    align: str  # left or right


@dataclass(frozen=True)
class _Row:
    cells: tuple[tuple[str, ...], ...]  # each cell's lines
    sizes: tuple[float, ...]  # each cell's font size: a figure too wide for its column is set smaller
    height: float


class _Document:
    def __init__(self, sheet: InvoiceSheet):
        self.sheet = sheet
        self.labels: Labels = labels_for(sheet.language)
        self.identification = full_number(sheet.point_of_sale, sheet.number)
        self.issuer_block, self.voucher_block = self._issuer(), self._voucher()
        self.header_height = max(self.issuer_block.height, self.voucher_block.height, LETTER_BOX_SIZE + 16)
        self.header_height += 2 * PADDING
        self.receiver_block = self._receiver()
        self.has_discount_column = any(line.discount for line in sheet.lines)
        self.columns = self._columns()
        self.rows = [self._row(line) for line in sheet.lines]
        self.legends_block, self.transparency_block = self._legends(), self._transparency()
        self.totals_block = self._totals()
        self.closing_height = self._band_height() + GAP + FOOTER_HEIGHT

    def render(self) -> bytes:
        buffer = BytesIO()
        canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
        canvas.setTitle(f"{self.labels.voucher_name(self.sheet.kind)} {self.sheet.letter} {self.identification}")
        canvas.setAuthor(self.sheet.issuer.legal_name)
        pages = self._paginate()
        for number, rows in enumerate(pages, start=1):
            top = self._draw_header(canvas)
            if number == 1:
                top = self._draw_receiver(canvas, top)
            if rows:
                self._draw_table(canvas, top, rows)
            last = number == len(pages)
            if last:
                self._draw_closing(canvas)
            self._draw_page_number(canvas, number, len(pages), last)
            canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    # Layout

    def _issuer(self) -> _Block:
        issuer, width = self.sheet.issuer, self._header_column_width()
        block = _Block(width)
        if issuer.logo:
            reader = ImageReader(BytesIO(issuer.logo))
            image_width, image_height = reader.getSize()
            scale = min(LOGO_MAX_WIDTH / image_width, LOGO_MAX_HEIGHT / image_height)
            block.image(reader, image_width * scale, image_height * scale)
            block.space(4)
        block.line(issuer.legal_name, BOLD, 12)
        if issuer.trade_name and issuer.trade_name != issuer.legal_name:
            block.line(issuer.trade_name, REGULAR, 9)
        block.space(2)
        for address_line in issuer.address_lines:
            block.line(address_line, REGULAR, 8)
        block.space(2)
        block.labelled(self.labels.iva_condition, self.labels.iva_condition_name(issuer.iva_condition))
        return block

    def _voucher(self) -> _Block:
        sheet, labels = self.sheet, self.labels
        block = _Block(self._header_column_width())
        block.line(labels.voucher_name(sheet.kind), BOLD, 16)
        block.line(f"{labels.number} {self.identification}", BOLD, 12)
        block.space(3)
        block.labelled(labels.issue_date, format_date(sheet.issue_date), 8.5)
        block.labelled(labels.cuit, format_tax_id(sheet.issuer.cuit), 8.5)
        block.labelled(labels.iibb, sheet.issuer.iibb_number, 8.5)
        block.labelled(labels.activity_start, format_date(sheet.issuer.activity_start), 8.5)
        return block

    def _receiver(self) -> tuple[_Block, _Block, _Block]:
        sheet, labels, receiver = self.sheet, self.labels, self.sheet.receiver
        column_width = (CONTENT_WIDTH - 3 * PADDING) / 2
        identity, terms, dates = _Block(column_width), _Block(column_width), _Block(CONTENT_WIDTH - 2 * PADDING)
        identity.labelled(labels.customer, receiver.name)
        if receiver.document_type == "CONSUMIDOR_FINAL" or not receiver.document_number:
            identity.labelled(labels.document, labels.document_type_name(receiver.document_type))
        else:
            number = format_document_number(receiver.document_type, receiver.document_number)
            identity.labelled(labels.document_type_name(receiver.document_type), number)
        if receiver.address_lines:
            identity.labelled(labels.address, receiver.address_lines)
        terms.labelled(labels.iva_condition, labels.iva_condition_name(receiver.iva_condition))
        if receiver.payment_terms:
            terms.labelled(labels.payment_terms, receiver.payment_terms)
        terms.labelled(labels.concept, labels.concepts[sheet.concept])
        dated = []
        if sheet.concept != "products" and sheet.service_start and sheet.service_end:
            dated += [
                (labels.period_from, format_date(sheet.service_start)),
                (labels.period_to, format_date(sheet.service_end)),
            ]
        if sheet.payment_due:
            dated.append((labels.payment_due, format_date(sheet.payment_due)))
        if dated:
            dates.pairs(dated)
        if sheet.associated:
            dates.labelled(labels.associated, sheet.associated)
        return identity, terms, dates

    def _columns(self) -> list[_Column]:
        labels = self.labels
        numbers = [
            _Column(labels.quantity, QUANTITY_WIDTH, "right"),
            _Column(labels.unit, UNIT_WIDTH, "left"),
            _Column(labels.unit_price, PRICE_WIDTH, "right"),
        ]
        if self.has_discount_column:
            numbers.append(_Column(labels.line_discount, DISCOUNT_WIDTH, "right"))
        if self.sheet.letter == "A":
            numbers.append(_Column(labels.vat, VAT_WIDTH, "right"))
        numbers.append(_Column(labels.amount, AMOUNT_WIDTH, "right"))
        description_width = CONTENT_WIDTH - sum(column.width for column in numbers)
        return [_Column(labels.description, description_width, "left"), *numbers]

    def _row(self, line: SheetLine) -> _Row:
        labels = self.labels
        price_places = min(max(2, decimal_places(line.unit_price)), MAX_PRICE_DECIMALS)
        values = [line.description, labels.decimal(line.quantity, places=None), line.unit or ""]
        values.append(labels.decimal(line.unit_price, price_places))
        if self.has_discount_column:
            values.append(labels.decimal(line.discount) if line.discount else "")
        if self.sheet.letter == "A":
            values.append(labels.vat_treatment(line.vat_rate) if line.vat_rate else "")
        values.append(labels.decimal(line.amount))
        cells, sizes = [], []
        for value, column in zip(values, self.columns, strict=True):
            room = column.width - 2 * CELL_PADDING_X
            if column.align == "left":
                cells.append(tuple(_wrap(value, REGULAR, TABLE_FONT_SIZE, room)))
                sizes.append(TABLE_FONT_SIZE)
            else:
                cells.append((value,))
                sizes.append(min(TABLE_FONT_SIZE, room / (stringWidth(value, REGULAR, 1) or 1)))
        height = max(len(cell) for cell in cells) * TABLE_LEADING + 2 * CELL_PADDING_Y
        return _Row(tuple(cells), tuple(sizes), height)

    def _totals(self) -> _Block:
        sheet, labels, totals = self.sheet, self.labels, self.sheet.totals
        money = self._money
        block = _Block(TOTALS_WIDTH - 2 * PADDING)
        if totals.discount:
            block.amount(labels.subtotal, money(totals.subtotal))
            block.amount(labels.discount, money(-totals.discount))
        if sheet.letter == "A":
            block.amount(labels.net_taxed, money(totals.net_taxed))
            for vat in totals.vat:
                rate = labels.vat_treatment(vat.rate)
                block.amount(f"{labels.vat} {rate} {labels.vat_on} {money(vat.base)}", money(vat.amount))
            if totals.exempt:
                block.amount(labels.exempt, money(totals.exempt))
            if totals.not_taxed:
                block.amount(labels.not_taxed, money(totals.not_taxed))
        for tribute in totals.tributes:
            block.amount(tribute.description, money(tribute.amount))
        if block.height:
            block.rule()
        block.amount(labels.total, money(totals.total), BOLD, 11)
        return block

    def _legends(self) -> _Block:
        sheet, labels = self.sheet, self.labels
        block = _Block(CONTENT_WIDTH - TOTALS_WIDTH - GAP)
        if voucher_class(sheet.voucher_type) == "ALEY":
            block.line(WITHHOLDING_LEGEND, BOLD, 9, after=LEGEND_SPACING)
        receiver = sheet.receiver
        if receiver.document_type == "CONSUMIDOR_FINAL" or receiver.iva_condition == "consumidor_final":
            block.line(FINAL_CONSUMER_LEGEND, BOLD, 9, after=LEGEND_SPACING)
        if sheet.monotributo_legend:
            block.line(MONOTRIBUTO_LEGEND, BOLD, 7.5, after=LEGEND_SPACING)
        if sheet.currency != PESOS:
            currency, rate = labels.currency_name(sheet.currency), labels.exchange_rate(sheet.exchange_rate)
            block.line(labels.currency_and_rate.format(currency=currency, rate=rate), after=LEGEND_SPACING)
        if sheet.second_due:
            due = sheet.second_due
            text = labels.second_due.format(
                date=format_date(due.date), surcharge=self._money(due.surcharge), total=self._money(due.total)
            )
            block.line(text, after=LEGEND_SPACING)
        if sheet.payment_link:
            block.line(labels.payment_link.format(url=sheet.payment_link), BOLD, 8, after=LEGEND_SPACING)
        for observation in sheet.observations:
            block.line(
                labels.observation.format(code=observation.code, message=observation.message),
                gray=GRAY_TEXT,
                after=LEGEND_SPACING,
            )
        return block

    def _transparency(self) -> _Block | None:
        transparency = self.sheet.transparency
        if transparency is None:
            return None
        block = _Block(CONTENT_WIDTH - TOTALS_WIDTH - GAP - 2 * PADDING)
        block.line(TRANSPARENCY_TITLE, BOLD, 8)
        block.labelled(TRANSPARENCY_VAT, self._money(transparency.vat_contained))
        block.labelled(TRANSPARENCY_OTHER_TAXES, self._money(transparency.other_national_indirect_taxes))
        return block

    def _band_height(self) -> float:
        """Legends and transparency on the left, totals on the right: above the CAE footer of the last page."""
        left = self.legends_block.height
        if self.transparency_block:
            left += GAP + self.transparency_block.height + 2 * PADDING
        return max(left, self.totals_block.height + 2 * PADDING)

    def _paginate(self) -> list[list[_Row]]:
        """Rows per page. The last page also holds the closing band under its rows: when they leave no room for it,
        the rows that do not fit above it move on with it to a new page, so the totals never stand alone."""
        pages: list[list[_Row]] = [[]]
        room = self._table_room(first_page=True)
        for row in self.rows:
            if row.height > room and pages[-1]:
                pages.append([])
                room = self._table_room(first_page=False)
            pages[-1].append(row)
            room -= row.height
        closing = self.closing_height + GAP
        while room < closing and pages[-1]:
            rows = pages[-1]
            available = self._table_room(first_page=len(pages) == 1) - closing
            kept = 0
            while kept < len(rows) and rows[kept].height <= available:
                available -= rows[kept].height
                kept += 1
            if not kept:  # the band is taller than a page's room for rows: it follows the table on a page of its own
                pages.append([])
                break
            pages[-1:] = [rows[:kept], rows[kept:]]
            room = self._table_room(first_page=False) - sum(row.height for row in rows[kept:])
        return pages

    def _table_room(self, *, first_page: bool) -> float:
        """The height a page offers to table rows, below the table header."""
        return self._table_top(first_page=first_page) - TABLE_HEADER_HEIGHT - CONTENT_BOTTOM

    def _table_top(self, *, first_page: bool) -> float:
        top = PAGE_HEIGHT - MARGIN - COPY_STRIP_HEIGHT - self.header_height - GAP
        if first_page:
            top -= self._receiver_height() + GAP
        return top

    def _receiver_height(self) -> float:
        identity, terms, dates = self.receiver_block
        height = max(identity.height, terms.height) + 2 * PADDING
        if dates.height:
            height += dates.height + PADDING
        return height

    def _header_column_width(self) -> float:
        return (CONTENT_WIDTH - LETTER_BOX_SIZE) / 2 - 2 * PADDING

    def _money(self, value: Decimal) -> str:
        return self.labels.money(value, self.sheet.currency)

    # Drawing

    def _draw_header(self, canvas: Canvas) -> float:
        """Copy label, issuer, letter box and voucher identification; returns the y below them."""
        top = PAGE_HEIGHT - MARGIN
        canvas.setLineWidth(RULE)
        canvas.rect(MARGIN, top - COPY_STRIP_HEIGHT, CONTENT_WIDTH, COPY_STRIP_HEIGHT)
        canvas.setFont(BOLD, 10)
        canvas.drawCentredString(PAGE_WIDTH / 2, top - COPY_STRIP_HEIGHT + 4.8, ORIGINAL)
        top -= COPY_STRIP_HEIGHT
        bottom = top - self.header_height
        canvas.rect(MARGIN, bottom, CONTENT_WIDTH, self.header_height)
        center = PAGE_WIDTH / 2
        box_left, box_bottom = center - LETTER_BOX_SIZE / 2, top - LETTER_BOX_SIZE
        canvas.rect(box_left, box_bottom, LETTER_BOX_SIZE, LETTER_BOX_SIZE)
        canvas.line(center, box_bottom, center, bottom)
        canvas.setFont(BOLD, 26)
        canvas.drawCentredString(center, box_bottom + 15, self.sheet.letter)
        canvas.setFont(BOLD, 7)
        canvas.drawCentredString(center, box_bottom + 5, f"{VOUCHER_CODE} {self.sheet.voucher_type:02d}")
        self.issuer_block.draw(canvas, MARGIN + PADDING, top - PADDING)
        self.voucher_block.draw(canvas, center + LETTER_BOX_SIZE / 2 + PADDING, top - PADDING)
        return bottom - GAP

    def _draw_receiver(self, canvas: Canvas, top: float) -> float:
        identity, terms, dates = self.receiver_block
        height = self._receiver_height()
        canvas.setLineWidth(RULE)
        canvas.rect(MARGIN, top - height, CONTENT_WIDTH, height)
        identity.draw(canvas, MARGIN + PADDING, top - PADDING)
        terms.draw(canvas, PAGE_WIDTH / 2 + PADDING / 2, top - PADDING)
        if dates.height:
            dates_top = top - max(identity.height, terms.height) - 2 * PADDING
            canvas.setStrokeGray(GRAY_RULE)
            canvas.setLineWidth(HAIRLINE)
            canvas.line(MARGIN, dates_top, MARGIN + CONTENT_WIDTH, dates_top)
            canvas.setStrokeGray(0)
            dates.draw(canvas, MARGIN + PADDING, dates_top - PADDING / 2)
        return top - height - GAP

    def _draw_table(self, canvas: Canvas, top: float, rows: list[_Row]):
        canvas.setFillGray(GRAY_FILL)
        canvas.setStrokeGray(GRAY_RULE)
        canvas.setLineWidth(HAIRLINE)
        canvas.rect(MARGIN, top - TABLE_HEADER_HEIGHT, CONTENT_WIDTH, TABLE_HEADER_HEIGHT, stroke=1, fill=1)
        canvas.setFillGray(0)
        canvas.setFont(BOLD, TABLE_FONT_SIZE)
        baseline = top - TABLE_HEADER_HEIGHT / 2 - TABLE_FONT_SIZE * 0.35
        for x, column in self._column_positions():
            self._draw_cell(canvas, column, x, baseline, column.title)
        y = top - TABLE_HEADER_HEIGHT
        canvas.setFont(REGULAR, TABLE_FONT_SIZE)
        rules = canvas.beginPath()
        for row in rows:
            first_baseline = y - CELL_PADDING_Y - TABLE_LEADING * 0.75
            for (x, column), lines, size in zip(self._column_positions(), row.cells, row.sizes, strict=True):
                if size != TABLE_FONT_SIZE:
                    canvas.setFont(REGULAR, size)
                for index, line in enumerate(lines):
                    self._draw_cell(canvas, column, x, first_baseline - index * TABLE_LEADING, line)
                if size != TABLE_FONT_SIZE:
                    canvas.setFont(REGULAR, TABLE_FONT_SIZE)
            y -= row.height
            rules.moveTo(MARGIN, y)
            rules.lineTo(MARGIN + CONTENT_WIDTH, y)
        canvas.drawPath(rules, stroke=1, fill=0)
        canvas.setStrokeGray(0)

    def _column_positions(self) -> list[tuple[float, _Column]]:
        positions, x = [], MARGIN
        for column in self.columns:
            positions.append((x, column))
            x += column.width
        return positions

    @staticmethod
    def _draw_cell(canvas: Canvas, column: _Column, x: float, baseline: float, text: str):
        if column.align == "right":
            canvas.drawRightString(x + column.width - CELL_PADDING_X, baseline, text)
        else:
            canvas.drawString(x + CELL_PADDING_X, baseline, text)

    def _draw_closing(self, canvas: Canvas):
        """Legends and the transparency block on the left, totals on the right, the CAE footer under them."""
        footer_top = CONTENT_BOTTOM + FOOTER_HEIGHT
        band_bottom = footer_top + GAP
        band_top = band_bottom + self._band_height()
        totals_left = MARGIN + CONTENT_WIDTH - TOTALS_WIDTH
        totals_height = self.totals_block.height + 2 * PADDING
        canvas.setLineWidth(RULE)
        canvas.rect(totals_left, band_bottom, TOTALS_WIDTH, totals_height)
        self.totals_block.draw(canvas, totals_left + PADDING, band_bottom + totals_height - PADDING)
        self.legends_block.draw(canvas, MARGIN, band_top)
        if self.transparency_block:
            height = self.transparency_block.height + 2 * PADDING
            canvas.rect(MARGIN, band_bottom, self.legends_block.width, height)
            self.transparency_block.draw(canvas, MARGIN + PADDING, band_bottom + height - PADDING)
        self._draw_footer(canvas, footer_top)

    def _draw_footer(self, canvas: Canvas, top: float):
        labels, sheet = self.labels, self.sheet
        canvas.setLineWidth(RULE)
        canvas.line(MARGIN, top, MARGIN + CONTENT_WIDTH, top)
        matrix = _qr_matrix(sheet.qr_url)
        module = QR_SIZE / (len(matrix) - 2 * QR_BORDER)
        quiet_zone = QR_BORDER * module
        qr_bottom = top - QR_CLEARANCE - QR_SIZE
        # the dark modules align with the margin; the quiet zone lies white in the page margin
        _draw_qr(canvas, matrix, MARGIN - quiet_zone, qr_bottom - quiet_zone, module)
        text_left = MARGIN + QR_SIZE + quiet_zone + 6
        middle = qr_bottom + QR_SIZE / 2
        canvas.setFont(BOLD, 12)
        canvas.drawString(text_left, middle + 2, AUTHORIZED)
        canvas.setFont(REGULAR, 7.5)
        canvas.drawString(text_left, middle - 10, f"{labels.validity}: {VALIDITY_URL}")
        right = MARGIN + CONTENT_WIDTH
        canvas.setFont(BOLD, 10)
        canvas.drawRightString(right, middle + 2, f"{labels.cae}: {sheet.cae}")
        canvas.drawRightString(right, middle - 12, f"{labels.cae_due_date}: {format_date(sheet.cae_due_date)}")

    def _draw_page_number(self, canvas: Canvas, number: int, pages: int, last: bool):
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillGray(GRAY_TEXT)
        canvas.drawRightString(
            MARGIN + CONTENT_WIDTH, PAGE_NUMBER_BASELINE, self.labels.page.format(page=number, pages=pages)
        )
        identification = f"{self.labels.voucher_name(self.sheet.kind)} {self.sheet.letter} {self.identification}"
        canvas.drawString(MARGIN, PAGE_NUMBER_BASELINE, identification)
        if not last:
            canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_NUMBER_BASELINE, self.labels.continued)
        canvas.setFillGray(0)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap on ASCII spaces only, so a no-break space keeps "$ 1.234,50" together; a word wider than
    the width is cut where it must."""
    space = stringWidth(" ", font, size)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, line_width = "", 0.0
        for word in paragraph.split(" "):
            word_width = stringWidth(word, font, size)
            while word_width > width and len(word) > 1:
                if line:
                    lines.append(line)
                    line, line_width = "", 0.0
                cut = _longest_prefix(word, font, size, width)
                lines.append(word[:cut])
                word = word[cut:]
                word_width = stringWidth(word, font, size)
            if line and line_width + space + word_width > width:
                lines.append(line)
                line, line_width = word, word_width
            elif line:
                line, line_width = f"{line} {word}", line_width + space + word_width
            else:
                line, line_width = word, word_width
        lines.append(line)
    return lines


def _longest_prefix(word: str, font: str, size: float, width: float) -> int:
    """How many leading characters of `word` fit in `width` (at least one)."""
    fitting = 1
    while fitting < len(word) and stringWidth(word[: fitting + 1], font, size) <= width:
        fitting += 1
    return fitting


def _qr_matrix(text: str) -> list[list[bool]]:
    """The modules of the smallest QR holding `text`, quiet zone included. The mask is fixed: every mask is a valid QR
    code, and trying the eight to pick the one that scores best took most of a page's render time. The text is one
    segment, so its mode and length alone decide the version: qrcode finds it (encoding the text once more, a fifth
    of the QR's time) only for the first text of each mode and length."""
    data = QRData(text)
    key = (data.mode, len(data))
    version = _QR_VERSIONS.get(key)
    code = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M, border=QR_BORDER, mask_pattern=QR_MASK)
    code.add_data(data)
    code.make(fit=version is None)
    _QR_VERSIONS[key] = code.version
    return code.get_matrix()


_QR_VERSIONS: dict[tuple[int, int], int] = {}  # (mode, length) -> the smallest version holding it


def _draw_qr(canvas: Canvas, matrix: list[list[bool]], left: float, bottom: float, module: float):
    """Vector QR: one rectangle per horizontal run of dark modules, filled as one path.

    The path is written as PDF operators in module units under a scaling transform: integer coordinates, and a
    thousand rectangles cost a string join instead of a thousand calls formatting floats.
    """
    rectangles = []
    for row_index, row in enumerate(reversed(matrix)):  # PDF's y grows upwards
        start = None
        for column_index, dark in enumerate([*row, False]):
            if dark and start is None:
                start = column_index
            elif not dark and start is not None:
                rectangles.append(f"{start} {row_index} {column_index - start} 1 re")
                start = None
    canvas.saveState()
    canvas.translate(left, bottom)
    canvas.scale(module, module)
    canvas.addLiteral("\n".join(rectangles) + "\nf")
    canvas.restoreState()
