# Summarises data/readings.csv per sensor and draws a line chart to $TENKI_OUTPUT_DIR/chart.png,
# with matplotlib when it is installed, else with the standard library alone (zlib + struct).
import csv, json, os, statistics, struct, zlib

series = {}
with open("data/readings.csv") as f:
    for row in csv.DictReader(f):
        series.setdefault(row["sensor"], []).append((int(row["hour"]), float(row["celsius"])))

summary = {}
print(f"{'sensor':<8}{'mean':>8}{'min':>8}{'max':>8}")
for name, points in series.items():
    values = [v for _, v in points]
    summary[name] = {"mean": round(statistics.mean(values), 2), "min": min(values), "max": max(values)}
    s = summary[name]
    print(f"{name:<8}{s['mean']:>8.2f}{s['min']:>8.1f}{s['max']:>8.1f}")
warmest = max(summary, key=lambda n: summary[n]["mean"])
print(f"warmest on average: {warmest}")
with open("data/summary.json", "w") as f:
    json.dump(summary, f, indent=2)

out_dir = os.environ.get("TENKI_OUTPUT_DIR", "output")
os.makedirs(out_dir, exist_ok=True)
chart = os.path.join(out_dir, "chart.png")
COLOURS = [(31, 119, 180), (255, 127, 14), (44, 160, 44)]

def with_matplotlib():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 4))
    for name, points in series.items():
        ax.plot([h for h, _ in points], [v for _, v in points], label=name)
    ax.set_xlabel("hour"); ax.set_ylabel("°C"); ax.legend()
    fig.savefig(chart, dpi=80)

def with_stdlib(width=640, height=320, margin=30):
    pixels = bytearray(b"\xff" * (width * height * 3))
    def plot(x, y, colour):
        if 0 <= x < width and 0 <= y < height:
            i = (y * width + x) * 3
            pixels[i:i + 3] = bytes(colour)
    def line(x0, y0, x1, y1, colour):
        steps = max(round(abs(x1 - x0)), round(abs(y1 - y0)), 1)
        for k in range(steps + 1):
            x = round(x0 + (x1 - x0) * k / steps); y = round(y0 + (y1 - y0) * k / steps)
            plot(x, y, colour); plot(x, y + 1, colour)
    hours = [h for pts in series.values() for h, _ in pts]
    temps = [v for pts in series.values() for _, v in pts]
    lo, hi, last = min(temps), max(temps), max(hours)
    sx = lambda h: round(margin + h * (width - 2 * margin) / last)
    sy = lambda v: round(height - margin - (v - lo) * (height - 2 * margin) / (hi - lo))
    line(margin, height - margin, width - margin, height - margin, (0, 0, 0))  # x axis
    line(margin, margin, margin, height - margin, (0, 0, 0))                  # y axis
    for colour, points in zip(COLOURS, series.values()):
        for (h0, v0), (h1, v1) in zip(points, points[1:]):
            line(sx(h0), sy(v0), sx(h1), sy(v1), colour)
    raw = b"".join(b"\x00" + bytes(pixels[y * width * 3:(y + 1) * width * 3]) for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    with open(chart, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))

try:
    with_matplotlib()
    how = "matplotlib"
except ImportError:
    with_stdlib()
    names = ["blue", "orange", "green"]
    how = "the standard library (matplotlib is not installed; no legend: " + ", ".join(
        f"{name} {colour}" for name, colour in zip(series, names)) + ")"
print(f"chart saved to {chart}, drawn with {how}")
