/* gemv_bench: time per product of OpenBLAS's row-major DGEMV and ZGEMV on
 * d×d matrices, the kernels the Boost, CVODE and SciPy rows of
 * scripts/peers use, for comparison with `go test ./internal/kernel -bench
 * Gemv`. Build: gcc -O2 gemv_bench.c -lopenblas; run with
 * OPENBLAS_NUM_THREADS=1 (as run.sh does). Prints d, product, µs per
 * product (median of 5 batches of reps products). */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void) {
    const int dims[] = {100, 300, 1000};
    for (int k = 0; k < 3; k++) {
        int d = dims[k];
        long reps = 200000000L / ((long)d * d) + 1;
        double *a = malloc(sizeof(double) * 2 * d * d), *x = malloc(16 * d), *y = malloc(16 * d);
        unsigned s = 1;
        for (long i = 0; i < 2L * d * d; i++) {
            s = s * 1103515245u + 12345u;
            a[i] = (double)(s >> 8) / (1u << 24) - 0.5;
        }
        for (int i = 0; i < 2 * d; i++) x[i] = 1.0 / (i + 1);
        const double one[2] = {1, 0}, zero[2] = {0, 0};
        for (int z = 0; z < 2; z++) {
            double t[5];
            for (int r = 0; r < 5; r++) {
                double t0 = now();
                for (long i = 0; i < reps; i++) {
                    if (z == 0)
                        cblas_dgemv(CblasRowMajor, CblasNoTrans, d, d, 1.0, a, d, x, 1, 0.0, y, 1);
                    else
                        cblas_zgemv(CblasRowMajor, CblasNoTrans, d, d, one, a, d, x, 1, zero, y, 1);
                }
                t[r] = (now() - t0) / reps * 1e6;
            }
            qsort(t, 5, sizeof t[0], cmp);
            printf("%d,%s,%.3f\n", d, z == 0 ? "dgemv" : "zgemv", t[2]);
        }
        free(a), free(x), free(y);
    }
    return 0;
}
