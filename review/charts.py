"""Charts for the workspace's dashboard, drawn on the server as inline SVG.

Every label and value goes through Django's escaping (format_html), so a
claimant or side named with markup is shown as text. No JavaScript, no CDN.
"""

import datetime
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# Colour per series name; anything else takes the next of the fallbacks.
COLOURS = {
    "unreviewed": "#9aa5b1",
    "proposed": "#e0a100",
    "approved": "#2f855a",
    "rejected": "#c53030",
    "confirmed": "#2f855a",
    "denied": "#c53030",
    "unverified": "#718096",
    "third_party": "#718096",
}
FALLBACK = ("#2b6cb0", "#b7791f", "#805ad5", "#d53f8c", "#319795", "#4a5568")


def days_between(first: str, last: str) -> list[str]:
    """Every ISO day from first to last, both included."""
    start, end = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
    return [(start + datetime.timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


def colour(name: str, index: int) -> str:
    return COLOURS.get(name, FALLBACK[index % len(FALLBACK)])


def hbars(
    rows: Sequence[tuple[str, int, int | None]], *, title: str, width: int = 520, label_w: int = 170, unit: str = ""
) -> SafeString:
    """Horizontal bars: (label, value, part). A part (denied claims, say) is drawn in red inside its bar.

    Without parts each bar takes its label's colour (COLOURS by the lower-cased label).
    """
    bar_h, gap = 22, 8
    height = max(1, len(rows)) * (bar_h + gap) + gap
    top = max((value for _, value, _ in rows), default=0) or 1
    room = width - label_w - 120
    parts = []
    for i, (label, value, part) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        length = max(1, round(room * value / top))
        fill = COLOURS.get(label.lower(), FALLBACK[0]) if part is None else "#9fb3c8"
        note = f"{value:,}" if part is None else f"{value:,} · {round(100 * part / value) if value else 0}% {unit}"
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="label">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>',
                label_w - 8, y + bar_h - 6, label, label_w, y, length, bar_h, fill, label, note,
            )
        )  # fmt: skip
        if part:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                    label_w, y, max(1, round(room * part / top)), bar_h, COLOURS["denied"],
                )
            )  # fmt: skip
        parts.append(
            format_html('<text x="{}" y="{}" class="value">{}</text>', label_w + length + 6, y + bar_h - 6, note)
        )
    return _svg(title, width, height, mark_safe("".join(parts)))  # noqa: S308 - parts are format_html output


def stacked_columns(
    days: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]], *, title: str, width: int = 520
) -> SafeString:
    """Columns per day, stacked by series: (series name, label, one value per day), with a legend."""
    plot_h, left, bottom, legend_h = 150, 36, 22, 22
    height = legend_h + plot_h + bottom
    totals = [sum(values[i] for _, _, values in series) for i in range(len(days))]
    top = max(totals, default=0) or 1
    step = (width - left - 8) / max(1, len(days))
    col_w = min(28.0, max(2.0, step * 0.7))
    parts = [_legend(series), _axis(left, legend_h, plot_h, top, width)]
    for i, day in enumerate(days):
        x = left + i * step + (step - col_w) / 2
        base = legend_h + plot_h
        for k, (name, label, values) in enumerate(series):
            h = plot_h * values[i] / top
            if values[i]:
                parts.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                        "<title>{}, {}: {}</title></rect>",
                        f"{x:.1f}", f"{base - h:.1f}", f"{col_w:.1f}", f"{h:.1f}",
                        colour(name, k), day, label, values[i],
                    )
                )  # fmt: skip
            base -= h
    for i in _tick_indexes(len(days)):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" class="tick">{}</text>',
                f"{left + i * step + step / 2:.1f}", height - 6, days[i][5:],
            )
        )  # fmt: skip
    return _svg(title, width, height, mark_safe("".join(parts)))  # noqa: S308 - parts are format_html output


def _legend(series) -> SafeString:
    items, x = [], 40
    for k, (name, label, _) in enumerate(series):
        items.append((x, colour(name, k), x + 16, label))
        x += 16 + 7 * len(label) + 18  # about 7 px a character at 12 px
    return format_html_join(
        "",
        '<rect x="{}" y="4" width="12" height="12" fill="{}"></rect><text x="{}" y="15" class="legend">{}</text>',
        items,
    )


def _axis(left: int, top_y: int, plot_h: int, top: int, width: int) -> SafeString:
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="axis"></line>'
        '<text x="{}" y="{}" text-anchor="end" class="tick">{}</text>'
        '<text x="{}" y="{}" text-anchor="end" class="tick">0</text>',
        left, top_y + plot_h, width - 8, top_y + plot_h, left - 4, top_y + 10, f"{top:,}", left - 4, top_y + plot_h,
    )  # fmt: skip


def _tick_indexes(n: int) -> list[int]:
    if n <= 1:
        return list(range(n))
    every = max(1, n // 6)
    return sorted({*range(0, n, every), n - 1})


def _svg(title: str, width: int, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="{}" height="{}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
        width, height, width, height, title, body,
    )  # fmt: skip
