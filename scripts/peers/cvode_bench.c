/* SUNDIALS CVODE side of the peer comparison (scripts/peers/run.sh): the
 * problems of docs/benchmarks.md with CVODE's Adams–Moulton method (orders
 * 1–12) and its fixed-point nonlinear solver, the non-stiff configuration,
 * scalar tolerances rtol = atol = tol, from t = 0 to T (CV_NORMAL, the last
 * step interpolated to T). Prints the CSV rows of `pflow bench`:
 * problem,solver,rtol,atol,nfev,error,seconds (seconds: the median over 5
 * batches of the time per solve; a batch repeats the solve for 50 ms).
 * Complex states (principal) are integrated as 2d real components.
 *
 * usage: cvode_bench tol[,tol...] problem...  (SUNDIALS 6 API) */
#include <stdio.h>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>

#include "problems.h"

static long nfev;

static int f(realtype t, N_Vector y, N_Vector dy, void *ud) {
    (void)t;
    problem *p = ud;
    nfev++;
    p->rhs(p, N_VGetArrayPointer(y), N_VGetArrayPointer(dy));
    return 0;
}

static double solve(problem *p, double tol, SUNContext ctx, long *nf, double *err) {
    N_Vector y = N_VNew_Serial(p->n, ctx);
    memcpy(N_VGetArrayPointer(y), p->y0, sizeof(double) * p->n);
    void *mem = CVodeCreate(CV_ADAMS, ctx);
    CVodeInit(mem, f, 0.0, y);
    CVodeSetUserData(mem, p);
    CVodeSStolerances(mem, tol, tol);
    CVodeSetMaxNumSteps(mem, 100000000L);
    SUNNonlinearSolver nls = SUNNonlinSol_FixedPoint(y, 0, ctx);
    CVodeSetNonlinearSolver(mem, nls);
    realtype t;
    nfev = 0;
    int flag = CVode(mem, p->T, y, &t, CV_NORMAL);
    if (flag < 0) fprintf(stderr, "%s: CVode flag %d\n", p->name, flag);
    long n;
    CVodeGetNumRhsEvals(mem, &n);
    *nf = n;
    *err = p->err(p, N_VGetArrayPointer(y));
    CVodeFree(&mem);
    SUNNonlinSolFree(nls);
    N_VDestroy(y);
    return flag;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s tol[,tol...] problem...\n", argv[0]);
        return 2;
    }
    SUNContext ctx;
    SUNContext_Create(NULL, &ctx);
    for (int i = 2; i < argc; i++) {
        problem p = make_problem(argv[i]);
        if (p.n == 0) {
            fprintf(stderr, "unknown problem %s\n", argv[i]);
            return 2;
        }
        char tols[256];
        snprintf(tols, sizeof tols, "%s", argv[1]);
        for (char *tk = strtok(tols, ","); tk; tk = strtok(NULL, ",")) {
            double tol = atof(tk), per[5], err = 0;
            long nf = 0;
            for (int b = 0; b < 5; b++) {
                int k = 0;
                double t0 = now(), t1;
                do {
                    solve(&p, tol, ctx, &nf, &err);
                    k++;
                    t1 = now();
                } while (t1 - t0 < 0.05);
                per[b] = (t1 - t0) / k;
            }
            qsort(per, 5, sizeof(double), cmpd);
            printf("%s,cvode-adams,%g,%g,%ld,%.3g,%.6g\n", p.name, tol, tol, nf, err, per[2]);
            fflush(stdout);
        }
    }
    SUNContext_Free(&ctx);
    return 0;
}
