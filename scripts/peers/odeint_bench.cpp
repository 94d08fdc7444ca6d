// Boost.Odeint side of the peer comparison (scripts/peers/run.sh): the
// problems of docs/benchmarks.md with runge_kutta_dopri5 and
// runge_kutta_fehlberg78, each under make_controlled(atol, rtol) and
// integrate_adaptive from t = 0 to T with initial step h0. Prints the CSV
// rows of `pflow bench`: problem,solver,rtol,atol,nfev,error,seconds, where
// seconds is the median over 5 batches of the time per solve (a batch
// repeats the solve until it has taken 50 ms).
//
// usage: odeint_bench h0 tol[,tol...] problem...
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <boost/numeric/odeint.hpp>

extern "C" {
#include "problems.h"
}

namespace odeint = boost::numeric::odeint;
typedef std::vector<double> state;

struct sys {
    problem *p;
    long *nfev;
    void operator()(const state &y, state &dy, double) const {
        ++*nfev;
        p->rhs(p, y.data(), dy.data());
    }
};

template <class Stepper>
static void run(problem &p, const char *solver, double tol, double h0) {
    long nfev = 0;
    state y;
    auto once = [&]() {
        y.assign(p.y0, p.y0 + p.n);
        nfev = 0;
        odeint::integrate_adaptive(odeint::make_controlled(tol, tol, Stepper()), sys{&p, &nfev}, y, 0.0, p.T, h0);
    };
    std::vector<double> per;
    for (int b = 0; b < 5; b++) {
        int k = 0;
        double t0 = now(), t1;
        do {
            once();
            k++;
            t1 = now();
        } while (t1 - t0 < 0.05);
        per.push_back((t1 - t0) / k);
    }
    std::sort(per.begin(), per.end());
    std::printf("%s,boost-%s,%g,%g,%ld,%.3g,%.6g\n", p.name, solver, tol, tol, nfev, p.err(&p, y.data()), per[2]);
    std::fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s h0 tol[,tol...] problem...\n", argv[0]);
        return 2;
    }
    double h0 = std::atof(argv[1]);
    std::vector<double> tols;
    std::stringstream ss(argv[2]);
    for (std::string t; std::getline(ss, t, ',');) tols.push_back(std::atof(t.c_str()));
    for (int i = 3; i < argc; i++) {
        problem p = make_problem(argv[i]);
        if (p.n == 0) {
            std::fprintf(stderr, "unknown problem %s\n", argv[i]);
            return 2;
        }
        for (double tol : tols) {
            run<odeint::runge_kutta_dopri5<state>>(p, "dopri5", tol, h0);
            run<odeint::runge_kutta_fehlberg78<state>>(p, "fehlberg78", tol, h0);
        }
    }
    return 0;
}
