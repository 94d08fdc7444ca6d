/* The benchmark problems of docs/benchmarks.md, shared by the C and C++
 * peer drivers (odeint_bench.cpp, cvode_bench.c). Complex states are
 * stored as interleaved (re, im) doubles so that real-only solvers can
 * integrate them; the dense matrices are applied with CBLAS dgemv / zgemv. */
#ifndef PFLOW_PEER_PROBLEMS_H
#define PFLOW_PEER_PROBLEMS_H
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cblas.h>

#define ARENSTORF_MU 0.012277471
#define ARENSTORF_T 17.0652165601579625588917206249
#define ARENSTORF_V0 (-2.00158510637908252240537862224)
static const double lorenz_ref[3] = {13.79319959513038091107340339051650400495,
    12.95180393619250049616701445050928305489, 34.90160868113681241194878050713660821616};

static void arenstorf_rhs(const double *y, double *dy) {
    const double mu = ARENSTORF_MU, mu1 = 1 - mu;
    double a = y[0] + mu, b = y[0] - mu1;
    double r1 = a * a + y[1] * y[1], r2 = b * b + y[1] * y[1];
    double d1 = r1 * sqrt(r1), d2 = r2 * sqrt(r2);
    dy[0] = y[2];
    dy[1] = y[3];
    dy[2] = y[0] + 2 * y[3] - mu1 * a / d1 - mu * b / d2;
    dy[3] = y[1] - 2 * y[2] - mu1 * y[1] / d1 - mu * y[1] / d2;
}

static void lorenz_rhs(const double *y, double *dy) {
    dy[0] = 10 * (y[1] - y[0]);
    dy[1] = y[0] * (28 - y[2]) - y[1];
    dy[2] = y[0] * y[1] - 8.0 / 3.0 * y[2];
}

/* The SPD benchmark matrix: u (unit), lambda (log-spaced 0.01..1). */
typedef struct {
    int d;
    double *u, *lam;
} spd;

static spd spd_new(int d) {
    spd s = {d, (double *)malloc(sizeof(double) * d), (double *)malloc(sizeof(double) * d)};
    double nrm = 0;
    for (int i = 0; i < d; i++) {
        s.u[i] = (double)((7 * (i + 1)) % 11) - 4.5;
        nrm += s.u[i] * s.u[i];
    }
    nrm = sqrt(nrm);
    for (int i = 0; i < d; i++) {
        s.u[i] /= nrm;
        s.lam[i] = pow(10, -2 + 2 * (double)i / (d - 1));
    }
    return s;
}

/* x <- Q x = x - 2u(u.x) */
static void spd_reflect(const spd *s, double *x) {
    double dot = 0;
    for (int i = 0; i < s->d; i++) dot += s->u[i] * x[i];
    for (int i = 0; i < s->d; i++) x[i] -= 2 * dot * s->u[i];
}

/* Dense Q diag(g) Q (row-major), real or complex g (gi == NULL: real). */
static void spd_dense(const spd *s, const double *gr, const double *gi, double *a_re, double *a_im) {
    int d = s->d;
    double *col = (double *)malloc(sizeof(double) * d);
    for (int part = 0; part < 2; part++) {
        const double *g = part == 0 ? gr : gi;
        double *a = part == 0 ? a_re : a_im;
        if (a == NULL) continue;
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < d; i++) col[i] = (i == j) - 2 * s->u[i] * s->u[j]; /* Q e_j */
            for (int i = 0; i < d; i++) col[i] *= g[i];
            spd_reflect(s, col);
            for (int i = 0; i < d; i++) a[i * d + j] = col[i];
        }
    }
    free(col);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int cmpd(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One problem: y' = rhs(y) on [0, T] from y0 (n doubles); err(y(T)). */
typedef struct problem {
    const char *name;
    int n;
    double T;
    double *y0;
    void (*rhs)(struct problem *p, const double *y, double *dy);
    double (*err)(struct problem *p, const double *y);
    int d;           /* matrix order for the dense rows */
    double *a;       /* dense matrix (complex interleaved for principal) */
    double *ref;     /* reference final state (n doubles) */
} problem;

static void rhs_arenstorf(problem *p, const double *y, double *dy) { (void)p; arenstorf_rhs(y, dy); }
static void rhs_lorenz(problem *p, const double *y, double *dy) { (void)p; lorenz_rhs(y, dy); }
static void rhs_gradflow(problem *p, const double *y, double *dy) {
    cblas_dgemv(CblasRowMajor, CblasNoTrans, p->d, p->d, -1.0, p->a, p->d, y, 1, 0.0, dy, 1);
}
static void rhs_principal(problem *p, const double *y, double *dy) {
    const double one[2] = {1, 0}, zero[2] = {0, 0};
    cblas_zgemv(CblasRowMajor, CblasNoTrans, p->d, p->d, one, p->a, p->d, y, 1, zero, dy, 1);
}
/* max-norm error; for complex states (principal) the complex modulus */
static double err_ref(problem *p, const double *y) {
    double e = 0;
    if (p->rhs == rhs_principal) {
        for (int i = 0; i < p->d; i++) e = fmax(e, hypot(y[2 * i] - p->ref[2 * i], y[2 * i + 1] - p->ref[2 * i + 1]));
    } else {
        for (int i = 0; i < p->n; i++) e = fmax(e, fabs(y[i] - p->ref[i]));
    }
    return e;
}

/* make_problem returns the problem called name ("arenstorf", "lorenz",
 * "gradflow_d<d>", "principal_d<d>"), or a problem with n = 0. */
static problem make_problem(const char *name) {
    problem p;
    memset(&p, 0, sizeof p);
    p.name = name;
    p.err = err_ref;
    if (strcmp(name, "arenstorf") == 0) {
        p.n = 4, p.T = ARENSTORF_T, p.rhs = rhs_arenstorf;
        p.y0 = (double *)calloc(4, sizeof(double));
        p.y0[0] = 0.994, p.y0[3] = ARENSTORF_V0;
        p.ref = p.y0;
    } else if (strcmp(name, "lorenz") == 0) {
        p.n = 3, p.T = 20, p.rhs = rhs_lorenz;
        p.y0 = (double *)malloc(3 * sizeof(double));
        p.y0[0] = p.y0[1] = p.y0[2] = 1;
        p.ref = (double *)lorenz_ref;
    } else if (strncmp(name, "gradflow_d", 10) == 0) {
        int d = atoi(name + 10);
        spd s = spd_new(d);
        p.d = d, p.n = d, p.T = 100, p.rhs = rhs_gradflow;
        p.a = (double *)malloc(sizeof(double) * d * d);
        spd_dense(&s, s.lam, NULL, p.a, NULL);
        p.y0 = (double *)malloc(sizeof(double) * d);
        p.ref = (double *)malloc(sizeof(double) * d);
        for (int i = 0; i < d; i++) p.y0[i] = p.ref[i] = 1;
        /* exact: Q diag(exp(-100 lambda)) Q 1 */
        spd_reflect(&s, p.ref);
        for (int i = 0; i < d; i++) p.ref[i] *= exp(-100 * s.lam[i]);
        spd_reflect(&s, p.ref);
    } else if (strncmp(name, "principal_d", 11) == 0) {
        int d = atoi(name + 11);
        spd s = spd_new(d);
        double h = 1.8 / s.lam[d - 1];
        double *mr = (double *)malloc(sizeof(double) * d), *mi = (double *)malloc(sizeof(double) * d);
        for (int i = 0; i < d; i++) {
            double g = 1 - h * s.lam[i]; /* log on the principal branch: +i pi for g < 0 */
            mr[i] = log(fabs(g)) / h;
            mi[i] = g < 0 ? M_PI / h : 0;
        }
        double *lr = (double *)malloc(sizeof(double) * d * d), *li = (double *)malloc(sizeof(double) * d * d);
        spd_dense(&s, mr, mi, lr, li);
        p.d = d, p.n = 2 * d, p.T = 55 * h, p.rhs = rhs_principal;
        p.a = (double *)malloc(sizeof(double) * 2 * d * d);
        for (int k = 0; k < d * d; k++) p.a[2 * k] = lr[k], p.a[2 * k + 1] = li[k];
        free(lr), free(li), free(mr), free(mi);
        p.y0 = (double *)calloc(2 * d, sizeof(double));
        p.ref = (double *)calloc(2 * d, sizeof(double));
        double *r = (double *)malloc(sizeof(double) * d);
        for (int i = 0; i < d; i++) p.y0[2 * i] = 1, r[i] = 1;
        /* reference (I - hA)^55 1 = Q diag((1 - h lambda)^55) Q 1 */
        spd_reflect(&s, r);
        for (int i = 0; i < d; i++) r[i] *= pow(1 - h * s.lam[i], 55);
        spd_reflect(&s, r);
        for (int i = 0; i < d; i++) p.ref[2 * i] = r[i];
        free(r);
    }
    return p;
}
#endif
