"""SciPy side of the peer comparison (scripts/peers/run.sh).

The problems of docs/benchmarks.md with scipy.integrate.solve_ivp, methods
RK45 and DOP853, rtol = atol = tol, dense matrices applied with NumPy's
BLAS (A @ y). Prints the CSV rows of `pflow bench`:
problem,solver,rtol,atol,nfev,error,seconds (seconds: median of 5 solves).

usage: python3 scipy_bench.py tol[,tol...] problem...
"""
import math
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

MU = 0.012277471
ARENSTORF_T = 17.0652165601579625588917206249
ARENSTORF_V0 = -2.00158510637908252240537862224
LORENZ_REF = np.array([13.79319959513038091107340339051650400495,
                       12.95180393619250049616701445050928305489,
                       34.90160868113681241194878050713660821616])


def arenstorf():
    mu1 = 1 - MU

    def f(t, y):
        a, b = y[0] + MU, y[0] - mu1
        r1, r2 = a * a + y[1] * y[1], b * b + y[1] * y[1]
        d1, d2 = r1 * math.sqrt(r1), r2 * math.sqrt(r2)
        return [y[2], y[3],
                y[0] + 2 * y[3] - mu1 * a / d1 - MU * b / d2,
                y[1] - 2 * y[2] - mu1 * y[1] / d1 - MU * y[1] / d2]
    y0 = np.array([0.994, 0, 0, ARENSTORF_V0])
    return f, y0, ARENSTORF_T, lambda y: np.max(np.abs(y - y0))


def lorenz():
    def f(t, y):
        return [10 * (y[1] - y[0]), y[0] * (28 - y[2]) - y[1], y[0] * y[1] - 8 / 3 * y[2]]
    return f, np.ones(3), 20.0, lambda y: np.max(np.abs(y - LORENZ_REF))


def spd(d):
    v = np.array([((7 * i) % 11) - 4.5 for i in range(1, d + 1)])
    u = v / np.linalg.norm(v)
    lam = 10.0 ** (-2 + 2 * np.arange(d) / (d - 1))
    q = np.eye(d) - 2 * np.outer(u, u)
    return q, lam


def gradflow(d):
    q, lam = spd(d)
    a = np.ascontiguousarray(q @ np.diag(lam) @ q)
    exact = q @ (np.exp(-100 * lam) * (q @ np.ones(d)))
    return (lambda t, y: -(a @ y)), np.ones(d), 100.0, lambda y: np.max(np.abs(y - exact))


def principal(d):
    q, lam = spd(d)
    h = 1.8 / lam[-1]
    mu = np.log((1 - h * lam).astype(complex)) / h  # principal branch: +i*pi where 1 - h*lam < 0
    l = np.ascontiguousarray(q @ np.diag(mu) @ q)
    ref = q @ ((1 - h * lam) ** 55 * (q @ np.ones(d)))
    return (lambda t, y: l @ y), np.ones(d, dtype=complex), 55 * h, lambda y: np.max(np.abs(y - ref))


def make(name):
    if name == "arenstorf":
        return arenstorf()
    if name == "lorenz":
        return lorenz()
    if name.startswith("gradflow_d"):
        return gradflow(int(name[len("gradflow_d"):]))
    if name.startswith("principal_d"):
        return principal(int(name[len("principal_d"):]))
    raise SystemExit("unknown problem " + name)


def main():
    tols = [float(t) for t in sys.argv[1].split(",")]
    for name in sys.argv[2:]:
        f, y0, t1, err = make(name)
        for tol in tols:
            for method in ("RK45", "DOP853"):
                times = []
                for _ in range(5):
                    t0 = time.perf_counter()
                    sol = solve_ivp(f, (0, t1), y0, method=method, rtol=tol, atol=tol)
                    times.append(time.perf_counter() - t0)
                times.sort()
                print("%s,scipy-%s,%g,%g,%d,%.3g,%.6g" % (name, method, tol, tol, sol.nfev,
                                                         err(sol.y[:, -1]), times[2]), flush=True)


if __name__ == "__main__":
    main()
