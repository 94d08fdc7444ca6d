"""Ratio tables from the rounds written by run.sh.

Each ratio is computed within a round (rows run close together in time)
and the median over the rounds is printed, with the range in brackets.

usage: python3 summarize.py round1.csv [round2.csv ...]
"""
import csv
import statistics
import sys


def load(path):
    rows = {}
    with open(path) as fh:
        for r in csv.DictReader(fh):
            rows[(r["problem"], r["solver"], float(r["rtol"]))] = r
    return rows


def fmt(vals):
    if not vals:
        return "–"
    m = statistics.median(vals)
    if len(vals) == 1:
        return "%.3g" % m
    return "%.3g [%.3g–%.3g]" % (m, min(vals), max(vals))


def main():
    rounds = [load(p) for p in sys.argv[1:]]
    keys = sorted({(p, t) for r in rounds for (p, s, t) in r}, key=lambda k: (k[0], k[1]))
    print("Go/Boost (time per solve, time per evaluation); medians over %d rounds [range]\n" % len(rounds))
    print("| problem | tol | pflow solver | nfev | µs/solve | Boost solver | nfev | µs/solve | per solve | per evaluation |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for p, t in keys:
        for ours, theirs in (("dopri5", "boost-dopri5"), ("dop853", "boost-fehlberg78")):
            per_solve, per_eval, a, b = [], [], None, None
            for r in rounds:
                a, b = r.get((p, ours, t)), r.get((p, theirs, t))
                if a and b:
                    sa, sb = float(a["seconds"]), float(b["seconds"])
                    per_solve.append(sa / sb)
                    per_eval.append((sa / int(a["nfev"])) / (sb / int(b["nfev"])))
            if per_solve:
                print("| %s | %g | %s | %s | %.4g | %s | %s | %.4g | %s | %s |" % (
                    p, t, ours, a["nfev"], 1e6 * float(a["seconds"]), theirs, b["nfev"],
                    1e6 * float(b["seconds"]), fmt(per_solve), fmt(per_eval)))
    print("\nTotal time of the best pflow method over the best peer method (< 1: pflow faster)\n")
    print("| problem | tol | pflow best s | SciPy best s | pflow/SciPy | CVODE Adams s | pflow/CVODE | errors pflow / SciPy / CVODE |")
    print("|---|---|---|---|---|---|---|---|")
    for p, t in keys:
        rs, rc, last = [], [], None
        for r in rounds:
            ours = [r[k] for k in r if k[0] == p and k[2] == t and k[1] in ("dopri5", "dop853")]
            sp = [r[k] for k in r if k[0] == p and k[2] == t and k[1].startswith("scipy-")]
            cv = [r[k] for k in r if k[0] == p and k[2] == t and k[1] == "cvode-adams"]
            if not ours:
                continue
            o = min(ours, key=lambda x: float(x["seconds"]))
            s = min(sp, key=lambda x: float(x["seconds"])) if sp else None
            c = cv[0] if cv else None
            if s:
                rs.append(float(o["seconds"]) / float(s["seconds"]))
            if c:
                rc.append(float(o["seconds"]) / float(c["seconds"]))
            last = (o, s, c)
        if last:
            o, s, c = last
            print("| %s | %g | %.4g (%s) | %s | %s | %s | %s | %s / %s / %s |" % (
                p, t, float(o["seconds"]), o["solver"],
                "%.4g (%s)" % (float(s["seconds"]), s["solver"]) if s else "–", fmt(rs),
                "%.4g" % float(c["seconds"]) if c else "–", fmt(rc),
                o["error"], s["error"] if s else "–", c["error"] if c else "–"))


if __name__ == "__main__":
    main()
