/*
 * clock.c - a monotonic clock for the timings the library hands back (mrl_batch_t.t,
 * mrl_explain_set_t.seconds); never part of a result that must reproduce.
 */
#include <time.h>
#include "util.h"

double mrl_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
