/*
 * roar.c - the curves of RemOve And Retrain (Hooker et al. 2019; src/explain/roar.c):
 * test accuracy or AUROC of the retrained network against the fraction of nucleotides
 * removed, one line per attribution method and one for the random baseline, with error
 * bars where given (the spread over training seeds); drawn with the chart kit (chart.c).
 * The one drawer of these curves: `explain --roar --epochs` (one seed, no bars) and
 * `explain --roar --plot` (experiments/roar/run.sh's summary over seeds) both come here.
 */
#include <math.h>
#include <string.h>
#include "../util/util.h"
#include "report.h"

int mrl_report_roar_svg(const char *path, const char *title, const char *ylabel, const double *x,
                        int np, int ns, const char *const *names, const double *const *y,
                        const double *const *err)
{
    if (!path || !title || !ylabel || !x || !names || !y || np < 2 || ns < 1)
        return mrl_err_set(MRL_ERR_ARG, "ROAR chart: NULL input, < 2 fractions or no series");
    for (int k = 1; k < np; k++)
        if (!(x[k] > x[k - 1]))
            return mrl_err_set(MRL_ERR_ARG, "ROAR chart: fractions not increasing");
    mrl_atomic_t af;
    memset(&af, 0, sizeof af);
    int rc = mrl_atomic_open(&af, path);
    if (rc)
        return rc;
    rpt_lines_err(af.fp, title, "fraction of drawn nucleotides removed (train and test)", ylabel, x,
                  np, ns, names, y, err, -1);
    return mrl_atomic_commit(&af);
}
