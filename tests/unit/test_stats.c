/*
 * test_stats.c - mrl_percentile95 by hand: the ranks it picks, non-finite resamples dropped
 * wherever they lie (qsort does not order NaN), none finite.
 */
#include <math.h>
#include "test.h"
#include "util/util.h"

int main(void)
{
    /* 0..100 shuffled: k = 101, lo = v[floor(2.5)] = 2, hi = v[ceil(97.5)] = 98 */
    double v[101], lo, hi;
    for (int i = 0; i < 101; i++)
        v[i] = (double)((i * 37) % 101);
    mrl_percentile95(v, 101, &lo, &hi);
    CHECK(lo == 2 && hi == 98);
    /* NaN and infinities among them, first, middle and last: dropped; 1..40 kept (k = 40):
     * lo = v[floor(0.975)] = v[0] = 1, hi = v[ceil(38.025)] = v[39] = 40 */
    double w[46];
    int m = 0;
    w[m++] = (double)NAN;
    for (int i = 40; i >= 1; i--) {
        w[m++] = i;
        if (i == 20)
            w[m++] = (double)NAN, w[m++] = (double)INFINITY;
    }
    w[m++] = -(double)INFINITY, w[m++] = (double)NAN, w[m++] = (double)NAN;
    CHECK_INT(m, 46);
    mrl_percentile95(w, m, &lo, &hi);
    CHECK(lo == 1 && hi == 40);
    /* one finite value: both ends are it; none: NaN */
    double one[3] = {(double)NAN, 7.5, (double)NAN};
    mrl_percentile95(one, 3, &lo, &hi);
    CHECK(lo == 7.5 && hi == 7.5);
    double none[2] = {(double)NAN, (double)NAN};
    mrl_percentile95(none, 2, &lo, &hi);
    CHECK(isnan(lo) && isnan(hi));
    mrl_percentile95(none, 0, &lo, &hi);
    CHECK(isnan(lo) && isnan(hi));
    return test_summary("test_stats");
}
