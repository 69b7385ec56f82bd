# Prints the week's readings interpolated to every minute, one line per sensor and minute.
import csv

series = {}
with open("data/readings.csv") as f:
    for row in csv.DictReader(f):
        series.setdefault(row["sensor"], []).append((int(row["hour"]), float(row["celsius"])))

for name, points in series.items():
    for (h0, v0), (h1, v1) in zip(points, points[1:]):
        for m in range(60):
            print(f"{name:<6} day {h0 // 24 + 1} {h0 % 24:02d}:{m:02d} {v0 + (v1 - v0) * m / 60:7.2f} C")
