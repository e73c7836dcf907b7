"""Line charts as plain SVG (no plotting library on the benchmark machine): panels side by side,
one polyline with dots per series, and a legend."""
from __future__ import annotations

WIDTH, HEIGHT, PAD = 420, 300, 55


def panel(x0: float, title: str, series: dict, colors: dict, xlabel: str, ylabel: str, xticks=None) -> list[str]:
    """One chart at horizontal offset x0. `series`: name -> [(x, y)], drawn in x order."""
    points = [p for pts in series.values() for p in pts]
    if not points:
        return []
    xmin = min(x for x, _ in points) if xticks is None else min(xticks)
    xmax = max(x for x, _ in points) if xticks is None else max(xticks)
    xmin = min(xmin, 0) if xticks is None else xmin
    ymax = max([y for _, y in points] + [1]) * 1.15
    xspan = max(1e-9, xmax - xmin)
    def X(x): return x0 + PAD + (x - xmin) / xspan * (WIDTH - 2 * PAD)
    def Y(y): return HEIGHT - PAD + 10 - y / ymax * (HEIGHT - 2 * PAD)
    out = [f'<text x="{x0 + WIDTH / 2}" y="20" text-anchor="middle" font-size="14">{title}</text>',
           f'<line x1="{x0 + PAD}" y1="{Y(0)}" x2="{x0 + WIDTH - PAD}" y2="{Y(0)}" stroke="black"/>',
           f'<line x1="{x0 + PAD}" y1="{Y(0)}" x2="{x0 + PAD}" y2="{Y(ymax)}" stroke="black"/>',
           f'<text x="{x0 + WIDTH / 2}" y="{HEIGHT - 8}" text-anchor="middle" font-size="11">{xlabel}</text>',
           f'<text x="{x0 + 12}" y="{HEIGHT / 2}" font-size="11" transform="rotate(-90 {x0 + 12} {HEIGHT / 2})" '
           f'text-anchor="middle">{ylabel}</text>']
    for i in range(5):
        v = ymax * i / 4
        out.append(f'<text x="{x0 + PAD - 4}" y="{Y(v) + 4}" text-anchor="end" font-size="10">{v:,.0f}</text>')
        out.append(f'<line x1="{x0 + PAD}" y1="{Y(v)}" x2="{x0 + WIDTH - PAD}" y2="{Y(v)}" stroke="#ddd"/>')
    for x in xticks if xticks is not None else [xmin + xspan * i / 4 for i in range(5)]:
        out.append(f'<text x="{X(x)}" y="{Y(0) + 14}" text-anchor="middle" font-size="10">{x:,.0f}</text>')
    for name, pts in series.items():
        if not pts:
            continue
        pts = sorted(pts)
        out.append(f'<polyline fill="none" stroke="{colors[name]}" stroke-width="2" '
                   f'points="{" ".join(f"{X(x)},{Y(y)}" for x, y in pts)}"/>')
        out += [f'<circle cx="{X(x)}" cy="{Y(y)}" r="3" fill="{colors[name]}"/>' for x, y in pts]
    return out


def write(path: str, panels: int, parts: list[str], legend: dict, colors: dict):
    """Writes the panels with a legend (series name -> label) under them."""
    width = panels * WIDTH
    for i, (name, label) in enumerate(legend.items()):
        x = width / 2 - 60 * len(legend) + i * 120
        parts.append(f'<rect x="{x}" y="{HEIGHT + 5}" width="12" height="12" fill="{colors[name]}"/>')
        parts.append(f'<text x="{x + 16}" y="{HEIGHT + 15}" font-size="11">{label}</text>')
    with open(path, "w") as f:
        f.write(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT + 25}" font-family="sans-serif">'
                f'<rect width="100%" height="100%" fill="white"/>{"".join(parts)}</svg>\n')
