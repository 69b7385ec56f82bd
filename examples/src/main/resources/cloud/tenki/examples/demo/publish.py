# Writes site/index.html (the summary table and the chart) for a web server to serve.
import html, json, os, shutil

summary = json.load(open("data/summary.json"))
os.makedirs("site", exist_ok=True)
shutil.copy(os.path.join(os.environ.get("TENKI_OUTPUT_DIR", "output"), "chart.png"), "site/chart.png")
rows = "".join(
    f"<tr><td>{html.escape(name)}</td><td>{s['mean']:.2f}</td><td>{s['min']:.1f}</td><td>{s['max']:.1f}</td></tr>"
    for name, s in summary.items())
with open("site/index.html", "w") as f:
    f.write("<!doctype html><title>Sensor week</title><h1>Sensor week</h1>"
            "<table><tr><th>sensor</th><th>mean</th><th>min</th><th>max</th></tr>"
            f"{rows}</table><img src=\"chart.png\" alt=\"chart\">\n")
print("wrote site/index.html and site/chart.png")
