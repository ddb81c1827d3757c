#!/usr/bin/env python3
"""The demo's plot: the error rate of each revision of a Deployment from Prometheus's range query
(/api/v1/query_range, 1 s steps), the policy's threshold, and the decision points as vertical
marks, written as one SVG (python3's standard library only).

  demo-plot.py --prometheus URL --namespace NS --deployment NAME --start EPOCH --end EPOCH
               [--threshold 0.05] [--mark LABEL=EPOCH ...] --out FILE.svg
"""
import argparse
import json
import math
import sys
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from xml.sax.saxutils import escape

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]


def query_range(base, query, start, end, step=1):
    params = urllib.parse.urlencode({"query": query, "start": start, "end": end, "step": step})
    with urllib.request.urlopen(base.rstrip("/") + "/api/v1/query_range?" + params, timeout=10) as r:
        answer = json.load(r)
    if answer.get("status") != "success":
        raise RuntimeError(answer.get("error", "query failed"))
    return answer["data"]["result"]


def instant(base, query, at):
    params = urllib.parse.urlencode({"query": query, "time": at})
    with urllib.request.urlopen(base.rstrip("/") + "/api/v1/query?" + params, timeout=10) as r:
        return json.load(r).get("data", {}).get("result", [])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prometheus", required=True)
    ap.add_argument("--namespace", required=True)
    ap.add_argument("--deployment", required=True)
    ap.add_argument("--start", type=float, required=True)
    ap.add_argument("--end", type=float, required=True)
    ap.add_argument("--threshold", type=float, default=0.05)
    ap.add_argument("--mark", action="append", default=[])
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    sel = 'namespace="%s",deployment="%s"' % (a.namespace, a.deployment)
    q = ('sum by (pod_template_hash) (rate(http_requests_total{%s,code=~"5.."}[5s]))'
         ' / sum by (pod_template_hash) (rate(http_requests_total{%s}[5s]))') % (sel, sel)
    series = query_range(a.prometheus, q, a.start, a.end)
    # pod_template_hash -> version, from demo_app_info{version} over the same span.
    names = {}
    for s in instant(a.prometheus, "max by (pod_template_hash, version) (max_over_time(demo_app_info{%s}[%ds]))"
                     % (sel, int(a.end - a.start) + 1), a.end):
        names[s["metric"].get("pod_template_hash", "")] = s["metric"].get("version", "")
    marks = []
    for m in a.mark:
        label, _, t = m.rpartition("=")
        try:
            marks.append((label, float(t)))
        except ValueError:
            pass  # a decision that did not happen

    W, H, L, R, T, B = 900, 450, 70, 20, 40, 100
    t0, t1 = a.start, a.end
    ymax = max([a.threshold * 2, 0.1] + [float(v) for s in series for _, v in s["values"] if v not in ("NaN", "+Inf")])
    tick = 0.05 if ymax <= 0.5 else 0.1
    ymax = min(1.0, math.ceil(ymax * 1.1 / tick) * tick)
    x = lambda t: L + (t - t0) / max(t1 - t0, 1) * (W - L - R)
    y = lambda v: T + (1 - v / ymax) * (H - T - B)
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">' % (W, H),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>' % (L, escape(
               "Error rate of deployment/%s by revision (Prometheus, 5 s rate, 1 s steps)" % a.deployment))]
    # Axes and grid.
    for i in range(int(round(ymax / tick)) + 1):
        v = tick * i
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>' % (L, W - R, y(v), y(v)))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%.0f %%</text>' % (L - 6, y(v) + 4, v * 100))
    span = t1 - t0
    step = next(s for s in (5, 10, 15, 30, 60, 120, 300, 600, 1800) if span / s <= 10)
    t = (int(t0) // step + 1) * step
    while t < t1:
        out.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#eee"/>' % (x(t), x(t), T, H - B))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (
            x(t), H - B + 16, datetime.fromtimestamp(t, timezone.utc).strftime("%H:%M:%S")))
        t += step
    out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#333"/>' % (L, T, W - L - R, H - T - B))
    # The threshold.
    out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#d62728" stroke-dasharray="6,4"/>' % (
        L, W - R, y(a.threshold), y(a.threshold)))
    out.append('<text x="%d" y="%.1f" fill="#d62728" text-anchor="end">SLO: error rate &lt;= %g %%</text>' % (
        W - R - 4, y(a.threshold) - 5, a.threshold * 100))
    # The series.
    legend = []
    for i, s in enumerate(sorted(series, key=lambda s: float(s["values"][0][0]) if s["values"] else 0)):
        h = s["metric"].get("pod_template_hash", "?")
        color = COLORS[i % len(COLORS)]
        pts = ["%.1f,%.1f" % (x(float(t)), y(min(float(v), ymax))) for t, v in s["values"] if v not in ("NaN", "+Inf", "-Inf")]
        if pts:
            out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (color, " ".join(pts)))
        legend.append((color, "%s (pod-template-hash %s)" % (names.get(h, "?"), h)))
    for i, (color, text) in enumerate(legend):
        out.append('<rect x="%d" y="%d" width="14" height="4" fill="%s"/>' % (L + 10, T + 12 + 16 * i, color))
        out.append('<text x="%d" y="%d">%s</text>' % (L + 30, T + 18 + 16 * i, escape(text)))
    # The decision points.
    for i, (label, t) in enumerate(marks):
        if not t0 <= t <= t1:
            continue
        out.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#555" stroke-dasharray="2,3"/>' % (x(t), x(t), T, H - B))
        out.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#333">%s</text>' % (
            x(t), H - B + 34 + 15 * (i % 4), escape("%s %s" % (label, datetime.fromtimestamp(t, timezone.utc).strftime("%H:%M:%S")))))
    out.append("</svg>")
    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
