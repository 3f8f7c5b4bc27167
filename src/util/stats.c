/*
 * stats.c - the percentile bootstrap interval shared by the set statistics (detmass.c,
 * aggregate.c; Efron & Tibshirani 1993).
 */
#include <math.h>
#include <stdlib.h>
#include "util.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void mrl_percentile95(double *v, int B, double *lo, double *hi)
{
    int k = 0;
    for (int b = 0; b < B; b++) /* a resample with no value (NaN) is dropped, not sorted */
        if (isfinite(v[b]))
            v[k++] = v[b];
    if (!k) {
        *lo = *hi = (double)NAN;
        return;
    }
    qsort(v, (size_t)k, sizeof *v, cmp_double);
    *lo = v[(int)floor(0.025 * (k - 1))];
    *hi = v[(int)ceil(0.975 * (k - 1))];
}
