/*
 * keras.c - import of Keras 2.x HDF5 model files (Sequential networks of Conv2D,
 * MaxPooling2D, Dropout, Flatten and Dense layers) into an ordinary mirlens model.
 *
 * File layout, as Keras 2.1.5 writes it (save_model in keras/models.py,
 * save_weights_to_hdf5_group in keras/engine/topology.py): the root attribute "model_config" holds
 * the JSON layer list; group model_weights/<layer name> holds that layer's datasets,
 * "<prefix>/kernel:0" and
 * "<prefix>/bias:0", where the prefix need not equal the layer name (it is the TensorFlow
 * variable scope, e.g. "input_layer_2"), so the datasets are found by walking the group.
 *
 * Layout conversion (TensorFlow backend, channels_last):
 *   Conv2D kernel (kh,kw,in,out), cross-correlation        -> mirlens OIHW (out,in,kh,kw)
 *   Dense kernel (in,out)                                   -> mirlens (out,in)
 *   Flatten of a (H,W,C) map orders features (h,w,c); mirlens flattens NCHW as (c,h,w),
 *   so the rows of the first Dense after a Flatten are permuted (h,w,c) -> (c,h,w).
 * Inputs are pixel/255 (the authors' preprocessing); a final softmax Dense becomes a
 * dense layer of logits because the engine applies the softmax itself.
 *
 * Only this file needs HDF5 and cJSON. The Makefile defines MRL_HAVE_KERAS when it finds
 * both (KERAS=auto/1); without it the entry point below fails with MRL_ERR_UNAVAILABLE, so
 * programs that embed the library link neither.
 */
#include "../util/util.h"

#ifndef MRL_HAVE_KERAS

int mrl_keras_available(void)
{
    return 0;
}

int mrl_model_import_keras(mrl_model_t **out, const char *h5_path)
{
    (void)h5_path;
    if (out)
        *out = NULL;
    return mrl_err_set(MRL_ERR_UNAVAILABLE,
                       "mirlens was built without HDF5 and cJSON: import-keras needs "
                       "libhdf5-dev and libcjson-dev (then rebuild)");
}

#else /* MRL_HAVE_KERAS */

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <hdf5.h>
#include <cjson/cJSON.h>

#define KMAX MRL_NN_MAX_LAYERS /* Keras layers accepted (each gives >= 1 mirlens layer) */

/* One Keras layer that carries weights. */
typedef struct kw_layer {
    const char *name; /* Keras layer name (points into the parsed JSON) */
    int kidx;         /* position in the Keras layer list (for messages) */
    int mrl;          /* mirlens layer holding the weights */
    int src;          /* mirlens layer whose output shape orders the inputs (-1 = input) */
    int use_bias;
} kw_layer_t;

typedef struct imp {
    const char *path;
    mrl_arch_t arch;
    kw_layer_t w[KMAX];
    int n_w;
    int flat;       /* the tensor is 1-D (after Flatten or Dense) */
    int flatten_at; /* mirlens index of a Flatten not yet followed by a Dense, else -1 */
    int have_input; /* the input shape is known */
    cJSON *json;    /* parsed model_config (layer names point into it) */
} imp_t;

/* ---- JSON helpers ------------------------------------------------------------------- */

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A JSON number that is an integer small enough to convert to int without overflow. */
static int is_int(const cJSON *v)
{
    return cJSON_IsNumber(v) && fabs(v->valuedouble) <= 1e9 &&
           v->valuedouble == floor(v->valuedouble);
}

/* Integer field: 0 or -1 when missing / not an integer. */
static int jint(const cJSON *o, const char *key, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!is_int(v))
        return -1;
    *out = (int)v->valuedouble;
    return 0;
}

/* Array of exactly n integers (null entries read as -1): 0 or -1. */
static int jints(const cJSON *o, const char *key, int n, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != n)
        return -1;
    int i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, v)
    {
        if (cJSON_IsNull(e))
            out[i++] = -1;
        else if (is_int(e))
            out[i++] = (int)e->valuedouble;
        else
            return -1;
    }
    return 0;
}

/* ---- architecture from model_config ------------------------------------------------- */

static int refuse(const imp_t *im, int ki, const char *name, const char *cls, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static int refuse(const imp_t *im, int ki, const char *name, const char *cls, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return mrl_err_set(MRL_ERR_REFUSED, "'%s': layer %d '%s' (%s): %s", im->path, ki, name, cls,
                       why);
}

static int push(imp_t *im, int ki, const char *name, const char *cls, mrl_layer_spec_t l)
{
    if (im->arch.n_layers >= MRL_NN_MAX_LAYERS)
        return refuse(im, ki, name, cls, "more than %d mirlens layers", MRL_NN_MAX_LAYERS);
    im->arch.layer[im->arch.n_layers++] = l;
    return 0;
}

/* Input shape from batch_input_shape [null, H, W, C] of the first layer. */
static int set_input(imp_t *im, const cJSON *cfg, int ki, const char *name, const char *cls)
{
    int s[4];
    if (jints(cfg, "batch_input_shape", 4, s))
        return refuse(im, ki, name, cls,
                      "no image input: batch_input_shape must be "
                      "[null, height, width, channels]");
    if (s[1] < 1 || s[2] < 1 || s[3] < 1 || s[3] > MRL_NN_MAX_IN_C)
        return refuse(im, ki, name, cls, "input shape %dx%dx%d not supported (1-%d channels)", s[1],
                      s[2], s[3], MRL_NN_MAX_IN_C);
    im->arch.in_h = s[1], im->arch.in_w = s[2], im->arch.in_c = s[3];
    im->have_input = 1;
    for (int c = 0; c < MRL_NN_MAX_IN_C; c++) {
        im->arch.in_scale[c] = 1.0f / 255.0f; /* the authors' pixel / 255 */
        im->arch.in_shift[c] = 0.0f;
    }
    return 0;
}

/* Activation of Conv2D / Dense: relu adds a ReLU layer; softmax only on the last layer. */
static int add_activation(imp_t *im, const cJSON *cfg, int ki, const char *name, const char *cls,
                          int last)
{
    const char *act = jstr(cfg, "activation");
    if (act && !strcmp(act, "relu"))
        return push(im, ki, name, cls, (mrl_layer_spec_t){MRL_LAYER_RELU, 0, 0, 0, 0});
    if (act && !strcmp(act, "linear"))
        return 0;
    if (act && !strcmp(act, "softmax") && last && !strcmp(cls, "Dense"))
        return 0;
    return refuse(im, ki, name, cls,
                  "activation '%s' not supported here (relu or linear; "
                  "softmax on the final Dense only)",
                  act ? act : "?");
}

static int add_conv(imp_t *im, const cJSON *cfg, int ki, const char *name, const char *cls,
                    int last)
{
    int filters, k[2], st[2] = {1, 1}, dil[2] = {1, 1};
    const char *pad = jstr(cfg, "padding"), *df = jstr(cfg, "data_format");
    if (im->flat)
        return refuse(im, ki, name, cls, "convolution after Flatten/Dense");
    if (jint(cfg, "filters", &filters) || filters < 1 || jints(cfg, "kernel_size", 2, k))
        return refuse(im, ki, name, cls, "missing or bad filters / kernel_size");
    if (k[0] != k[1] || k[0] < 1)
        return refuse(im, ki, name, cls, "kernel %dx%d: only square kernels", k[0], k[1]);
    if (cJSON_GetObjectItemCaseSensitive(cfg, "strides") && jints(cfg, "strides", 2, st))
        return refuse(im, ki, name, cls, "bad strides");
    if (st[0] != 1 || st[1] != 1)
        return refuse(im, ki, name, cls, "strides %dx%d: only stride 1", st[0], st[1]);
    if (cJSON_GetObjectItemCaseSensitive(cfg, "dilation_rate") &&
        jints(cfg, "dilation_rate", 2, dil))
        return refuse(im, ki, name, cls, "bad dilation_rate");
    if (dil[0] != 1 || dil[1] != 1)
        return refuse(im, ki, name, cls, "dilation %dx%d: only 1", dil[0], dil[1]);
    if (df && strcmp(df, "channels_last"))
        return refuse(im, ki, name, cls, "data_format '%s': only channels_last", df);
    if (!pad || (strcmp(pad, "valid") && strcmp(pad, "same")))
        return refuse(im, ki, name, cls, "padding '%s': only valid or same", pad ? pad : "?");
    const cJSON *ub = cJSON_GetObjectItemCaseSensitive(cfg, "use_bias");
    im->w[im->n_w] =
        (kw_layer_t){name, ki, im->arch.n_layers, im->arch.n_layers - 1, !cJSON_IsFalse(ub)};
    int rc = push(im, ki, name, cls,
                  (mrl_layer_spec_t){MRL_LAYER_CONV, filters, k[0], !strcmp(pad, "same"), 0});
    if (rc)
        return rc;
    im->n_w++;
    return add_activation(im, cfg, ki, name, cls, last);
}

static int add_pool(imp_t *im, const cJSON *cfg, int ki, const char *name, const char *cls)
{
    int p[2], st[2];
    const char *pad = jstr(cfg, "padding"), *df = jstr(cfg, "data_format");
    if (im->flat)
        return refuse(im, ki, name, cls, "pooling after Flatten/Dense");
    if (jints(cfg, "pool_size", 2, p) || p[0] < 1)
        return refuse(im, ki, name, cls, "missing or bad pool_size");
    if (jints(cfg, "strides", 2, st))
        st[0] = p[0], st[1] = p[1]; /* strides: null means strides = pool_size */
    if (p[0] != p[1] || st[0] != p[0] || st[1] != p[1])
        return refuse(im, ki, name, cls,
                      "pool %dx%d with strides %dx%d: only square pools "
                      "with strides = pool size",
                      p[0], p[1], st[0], st[1]);
    if (!pad || strcmp(pad, "valid"))
        return refuse(im, ki, name, cls, "padding '%s': only valid", pad ? pad : "?");
    if (df && strcmp(df, "channels_last"))
        return refuse(im, ki, name, cls, "data_format '%s': only channels_last", df);
    return push(im, ki, name, cls, (mrl_layer_spec_t){MRL_LAYER_MAXPOOL, 0, p[0], 0, 0});
}

static int add_dense(imp_t *im, const cJSON *cfg, int ki, const char *name, const char *cls,
                     int last)
{
    int units;
    if (!im->flat)
        return refuse(im, ki, name, cls, "Dense on a feature map: a Flatten must come first");
    if (jint(cfg, "units", &units) || units < 1)
        return refuse(im, ki, name, cls, "missing or bad units");
    const cJSON *ub = cJSON_GetObjectItemCaseSensitive(cfg, "use_bias");
    int src = im->flatten_at >= 0 ? im->flatten_at - 1 : im->arch.n_layers - 1;
    im->w[im->n_w] = (kw_layer_t){name, ki, im->arch.n_layers, src, !cJSON_IsFalse(ub)};
    int rc = push(im, ki, name, cls, (mrl_layer_spec_t){MRL_LAYER_DENSE, units, 0, 0, 0});
    if (rc)
        return rc;
    im->n_w++;
    im->flatten_at = -1;
    return add_activation(im, cfg, ki, name, cls, last);
}

/* One entry of the layer list. last: no layer other than Dropout follows. */
static int add_layer(imp_t *im, const cJSON *layer, int ki, int last)
{
    const char *cls = jstr(layer, "class_name");
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(layer, "config");
    const char *name = cJSON_IsObject(cfg) ? jstr(cfg, "name") : NULL;
    if (!cls || !name)
        return mrl_err_set(MRL_ERR_PARSE,
                           "'%s': model_config: layer %d has no class_name, "
                           "config or name",
                           im->path, ki);
    int is_input = !strcmp(cls, "InputLayer");
    if (is_input && im->have_input)
        return refuse(im, ki, name, cls, "InputLayer not first");
    if (!im->have_input) {
        int rc = set_input(im, cfg, ki, name, cls);
        if (rc || is_input)
            return rc;
    }
    if (last && strcmp(cls, "Dense"))
        return refuse(im, ki, name, cls,
                      "the network must end with a Dense layer "
                      "(softmax or linear)");
    if (!strcmp(cls, "Conv2D"))
        return add_conv(im, cfg, ki, name, cls, last);
    if (!strcmp(cls, "MaxPooling2D"))
        return add_pool(im, cfg, ki, name, cls);
    if (!strcmp(cls, "Dense")) {
        int rc = add_dense(im, cfg, ki, name, cls, last);
        im->flat = 1;
        return rc;
    }
    if (!strcmp(cls, "Dropout")) {
        double rate = 0.0;
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(cfg, "rate");
        if (cJSON_IsNumber(r))
            rate = r->valuedouble;
        if (!(rate >= 0.0 && rate < 1.0))
            return refuse(im, ki, name, cls, "rate not in [0,1)");
        return push(im, ki, name, cls, (mrl_layer_spec_t){MRL_LAYER_DROPOUT, 0, 0, 0, (float)rate});
    }
    if (!strcmp(cls, "Flatten")) {
        const char *df = jstr(cfg, "data_format");
        if (df && strcmp(df, "channels_last"))
            return refuse(im, ki, name, cls, "data_format '%s': only channels_last", df);
        if (!im->flat)
            im->flatten_at = im->arch.n_layers;
        im->flat = 1;
        return push(im, ki, name, cls, (mrl_layer_spec_t){MRL_LAYER_FLATTEN, 0, 0, 0, 0});
    }
    return refuse(im, ki, name, cls,
                  "layer type not supported (Conv2D, MaxPooling2D, Dropout, "
                  "Flatten, Dense only)");
}

/* model_config JSON -> im->arch and the table of weighted layers (im->json keeps the
 * parsed tree alive for the layer names). */
static int parse_config(imp_t *im, const char *json)
{
    cJSON *root = im->json = cJSON_Parse(json);
    if (!root)
        return mrl_err_set(MRL_ERR_PARSE, "'%s': model_config is not valid JSON", im->path);
    int rc = 0;
    const char *cls = jstr(root, "class_name");
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(root, "config");
    /* Keras <= 2.2.2 stores the layer list as "config"; later versions as config.layers */
    const cJSON *layers =
        cJSON_IsArray(cfg) ? cfg : cJSON_GetObjectItemCaseSensitive(cfg, "layers");
    if (!cls || strcmp(cls, "Sequential"))
        rc = mrl_err_set(MRL_ERR_REFUSED,
                         "'%s': model class '%s' not supported (only "
                         "Sequential models; functional API models are not)",
                         im->path, cls ? cls : "?");
    else if (!cJSON_IsArray(layers) || cJSON_GetArraySize(layers) < 1)
        rc = mrl_err_set(MRL_ERR_PARSE, "'%s': model_config has no layer list", im->path);
    int n = rc ? 0 : cJSON_GetArraySize(layers), last = n - 1;
    if (!rc && n > KMAX)
        rc = mrl_err_set(MRL_ERR_REFUSED, "'%s': %d layers (at most %d)", im->path, n, KMAX);
    /* trailing Dropout layers do nothing at inference: the Dense before them is the last */
    while (!rc && last > 0) {
        const char *c = jstr(cJSON_GetArrayItem(layers, last), "class_name");
        if (!c || strcmp(c, "Dropout"))
            break;
        last--;
    }
    for (int i = 0; !rc && i < n; i++)
        rc = add_layer(im, cJSON_GetArrayItem(layers, i), i, i == last);
    if (!rc) {
        char why[600];
        int ac = mrl_arch_check(&im->arch);
        if (ac) {
            snprintf(why, sizeof why, "%s", mrl_errmsg());
            rc = mrl_err_set(MRL_ERR_REFUSED, "'%s': unsupported network: %s", im->path, why);
        }
    }
    return rc;
}

/* ---- HDF5 --------------------------------------------------------------------------- */

/* String attribute `key` of loc (variable or fixed length) into a malloc'd string.
 * Returns 0, 1 when the attribute is absent, or <0. */
static int read_str_attr(const imp_t *im, hid_t loc, const char *key, char **out)
{
    *out = NULL;
    if (H5Aexists(loc, key) <= 0)
        return 1;
    int rc = 0;
    hid_t a = H5Aopen(loc, key, H5P_DEFAULT);
    hid_t ft = a < 0 ? -1 : H5Aget_type(a);
    hid_t sp = a < 0 ? -1 : H5Aget_space(a);
    hid_t mt = -1;
    if (ft < 0 || sp < 0 || H5Tget_class(ft) != H5T_STRING ||
        H5Sget_simple_extent_npoints(sp) != 1) {
        rc = mrl_err_set(MRL_ERR_FORMAT, "'%s': attribute '%s' is not a string", im->path, key);
    } else if (H5Tis_variable_str(ft) > 0) {
        char *s = NULL;
        mt = H5Tcopy(H5T_C_S1);
        if (mt < 0 || H5Tset_size(mt, H5T_VARIABLE) < 0 || H5Aread(a, mt, &s) < 0 || !s)
            rc = mrl_err_set(MRL_ERR_CORRUPT, "'%s': cannot read attribute '%s'", im->path, key);
        else if (!(*out = strdup(s)))
            rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        if (s)
            H5free_memory(s);
    } else {
        size_t n = H5Tget_size(ft);
        *out = n ? calloc(n + 1, 1) : NULL;
        if (!*out)
            rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        else if (H5Aread(a, ft, *out) < 0)
            rc = mrl_err_set(MRL_ERR_CORRUPT, "'%s': cannot read attribute '%s'", im->path, key);
    }
    if (mt >= 0)
        H5Tclose(mt);
    if (sp >= 0)
        H5Sclose(sp);
    if (ft >= 0)
        H5Tclose(ft);
    if (a >= 0)
        H5Aclose(a);
    if (rc) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

/* Datasets named ".../kernel:0" and ".../bias:0" below one layer group. */
typedef struct wfind {
    char kernel[256], bias[256];
    int n_kernel, n_bias, n_other;
    char other[256];
} wfind_t;

static herr_t wfind_cb(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    wfind_t *f = data;
    if (info->type != H5L_TYPE_HARD)
        return 0;
    hid_t o = H5Oopen(g, name, H5P_DEFAULT);
    if (o < 0)
        return -1;
    int is_ds = H5Iget_type(o) == H5I_DATASET;
    H5Oclose(o);
    if (!is_ds)
        return 0;
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    int which = !strcmp(base, "kernel:0") ? 0 : !strcmp(base, "bias:0") ? 1 : 2;
    char *dst = which == 0 ? f->kernel : which == 1 ? f->bias : f->other;
    int *count = which == 0 ? &f->n_kernel : which == 1 ? &f->n_bias : &f->n_other;
    if (strlen(name) >= sizeof f->kernel)
        return -1;
    (*count)++;
    memcpy(dst, name, strlen(name) + 1);
    return 0;
}

/* Read dataset `name` of g as float32; its shape must be dims[0..rank). */
static int read_floats(const imp_t *im, const kw_layer_t *k, hid_t g, const char *name, int rank,
                       const hsize_t *dims, float *buf)
{
    int rc = 0;
    hsize_t d[8];
    hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
    hid_t sp = ds < 0 ? -1 : H5Dget_space(ds);
    hid_t ft = ds < 0 ? -1 : H5Dget_type(ds);
    int nd = sp < 0 ? -1 : H5Sget_simple_extent_ndims(sp);
    if (nd < 0 || nd > 8 || ft < 0) {
        rc = mrl_err_set(MRL_ERR_CORRUPT, "'%s': layer %d '%s': cannot open weights '%s'", im->path,
                         k->kidx, k->name, name);
        goto done;
    }
    H5Sget_simple_extent_dims(sp, d, NULL);
    int same = nd == rank && H5Tget_class(ft) == H5T_FLOAT;
    for (int i = 0; same && i < rank; i++)
        same = d[i] == dims[i];
    if (!same) {
        char got[96] = "", want[96] = "";
        for (int i = 0; i < nd; i++)
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s%llu", i ? "," : "",
                     (unsigned long long)d[i]);
        for (int i = 0; i < rank; i++)
            snprintf(want + strlen(want), sizeof want - strlen(want), "%s%llu", i ? "," : "",
                     (unsigned long long)dims[i]);
        rc = mrl_err_set(MRL_ERR_CORRUPT,
                         "'%s': layer %d '%s': weights '%s' have shape (%s)%s, "
                         "the architecture needs (%s) floats",
                         im->path, k->kidx, k->name, name, got,
                         H5Tget_class(ft) == H5T_FLOAT ? "" : " and are not floats", want);
        goto done;
    }
    if (H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        rc = mrl_err_set(MRL_ERR_CORRUPT, "'%s': layer %d '%s': cannot read weights '%s'", im->path,
                         k->kidx, k->name, name);
        goto done;
    }
    size_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= (size_t)dims[i];
    for (size_t i = 0; i < n; i++)
        if (!isfinite(buf[i])) {
            rc = mrl_err_set(MRL_ERR_CORRUPT,
                             "'%s': layer %d '%s': weights '%s' hold a "
                             "non-finite value",
                             im->path, k->kidx, k->name, name);
            break;
        }
done:
    if (ft >= 0)
        H5Tclose(ft);
    if (sp >= 0)
        H5Sclose(sp);
    if (ds >= 0)
        H5Dclose(ds);
    return rc;
}

/* ---- weights ------------------------------------------------------------------------ */

/* Keras conv kernel -> mirlens OIHW: both are cross-correlations, only the order differs. */
static void conv_to_oihw(const float *src /* (k,k,I,O) */, int k, int ci, int co,
                         float *dst /* (O,I,k,k) */)
{
    for (int y = 0; y < k; y++)
        for (int x = 0; x < k; x++)
            for (int i = 0; i < ci; i++)
                for (int o = 0; o < co; o++)
                    dst[(((size_t)o * ci + i) * k + y) * k + x] =
                        src[(((size_t)y * k + x) * ci + i) * co + o];
}

/* Keras dense kernel -> mirlens (out,in). Its input rows are the features of a (C,H,W) map
 * that Keras flattened as (h,w,c); mirlens flattens it as (c,h,w). (n,1,1) is the plain
 * transpose. */
static void dense_to_oi(const float *src /* (H*W*C, O) */, const int chw[3], int co,
                        float *dst /* (O, C*H*W) */)
{
    int C = chw[0], H = chw[1], W = chw[2];
    size_t nin = (size_t)C * H * W;
    for (int h = 0; h < H; h++)
        for (int w = 0; w < W; w++)
            for (int c = 0; c < C; c++) {
                size_t jk = ((size_t)h * W + w) * C + c, jm = ((size_t)c * H + h) * W + w;
                for (int o = 0; o < co; o++)
                    dst[(size_t)o * nin + jm] = src[jk * co + o];
            }
}

/* Find, check and convert the weights of one Keras layer into model m. */
static int load_layer(const imp_t *im, mrl_model_t *m, hid_t mw, const kw_layer_t *k)
{
    const mrl_layer_spec_t *l = &im->arch.layer[k->mrl];
    int in[3], src[3];
    size_t w_off, w_n, b_off, b_n;
    MRL_ASSERT(mrl_arch_shape(&im->arch, k->mrl - 1, in) == 0);
    MRL_ASSERT(mrl_arch_shape(&im->arch, k->src, src) == 0);
    MRL_ASSERT(mrl_model_layer_params(m, k->mrl, &w_off, &w_n, &b_off, &b_n) == 0);
    if (H5Lexists(mw, k->name, H5P_DEFAULT) <= 0)
        return mrl_err_set(MRL_ERR_FORMAT,
                           "'%s': layer %d '%s': no weights (model_weights/%s "
                           "is missing)",
                           im->path, k->kidx, k->name, k->name);
    hid_t g = H5Gopen2(mw, k->name, H5P_DEFAULT);
    if (g < 0)
        return mrl_err_set(MRL_ERR_FORMAT, "'%s': layer %d '%s': model_weights/%s is not a group",
                           im->path, k->kidx, k->name, k->name);
    wfind_t f;
    memset(&f, 0, sizeof f);
    int rc = 0;
    float *buf = NULL, *p = mrl_model_params(m);
    if (H5Lvisit(g, H5_INDEX_NAME, H5_ITER_INC, wfind_cb, &f) < 0)
        rc = mrl_err_set(MRL_ERR_CORRUPT, "'%s': layer %d '%s': cannot list model_weights/%s",
                         im->path, k->kidx, k->name, k->name);
    else if (f.n_kernel != 1 || f.n_bias != k->use_bias || f.n_other)
        rc = mrl_err_set(MRL_ERR_FORMAT,
                         "'%s': layer %d '%s': model_weights/%s holds %d kernel, "
                         "%d bias and %d other datasets%s%s; expected 1 kernel:0 "
                         "and %d bias:0",
                         im->path, k->kidx, k->name, k->name, f.n_kernel, f.n_bias, f.n_other,
                         f.n_other ? " such as " : "", f.other, k->use_bias);
    else if (!(buf = malloc(w_n * sizeof *buf)))
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc && l->kind == MRL_LAYER_CONV) {
        hsize_t d[4] = {(hsize_t)l->k, (hsize_t)l->k, (hsize_t)in[0], (hsize_t)l->out};
        rc = read_floats(im, k, g, f.kernel, 4, d, buf);
        if (!rc)
            conv_to_oihw(buf, l->k, in[0], l->out, p + w_off);
    } else if (!rc) {
        hsize_t d[2] = {(hsize_t)src[0] * src[1] * src[2], (hsize_t)l->out};
        rc = read_floats(im, k, g, f.kernel, 2, d, buf);
        if (!rc)
            dense_to_oi(buf, src, l->out, p + w_off);
    }
    hsize_t db = b_n;
    if (!rc && k->use_bias)
        rc = read_floats(im, k, g, f.bias, 1, &db, p + b_off);
    else if (!rc)
        memset(p + b_off, 0, b_n * sizeof *p);
    free(buf);
    H5Gclose(g);
    return rc;
}

/* ---- entry point -------------------------------------------------------------------- */

/* Open path read-only; distinguishes a missing/unreadable file from one that is not HDF5. */
static int open_h5(const char *path, hid_t *fid)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return mrl_err_set(MRL_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    fclose(fp);
    htri_t is = H5Fis_hdf5(path);
    if (is == 0)
        return mrl_err_set(MRL_ERR_FORMAT,
                           "'%s' is not an HDF5 file (expected a Keras 2.x "
                           "model saved with model.save)",
                           path);
    *fid = is > 0 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
    if (*fid < 0)
        return mrl_err_set(MRL_ERR_IO, "cannot read '%s' as HDF5", path);
    return 0;
}

/* Provenance: file name, model class, and (best effort: a missing or odd attribute is
 * skipped) the Keras version and backend. */
static int set_meta(const imp_t *im, mrl_model_t *m, hid_t fid)
{
    const char *base = strrchr(im->path, '/');
    int rc = mrl_model_meta_set(m, "source", base ? base + 1 : im->path);
    if (!rc)
        rc = mrl_model_meta_set(m, "keras_model_class", "Sequential");
    if (!rc) /* mrl_model_new recorded its initialisation seed; the weights are Keras' */
        rc = mrl_model_meta_set(m, "seed", "none (weights imported from Keras)");
    static const char *const keys[2][2] = {{"keras_version", "keras_version"},
                                           {"backend", "keras_backend"}};
    for (int i = 0; !rc && i < 2; i++) {
        char *v = NULL;
        if (read_str_attr(im, fid, keys[i][0], &v) == 0 &&
            mrl_model_meta_set(m, keys[i][1], v) == MRL_ERR_NOMEM)
            rc = MRL_ERR_NOMEM;
        free(v);
    }
    return rc;
}

/* Architecture, model, weights; the HDF5 file is open. */
static int import_open(imp_t *im, hid_t fid, mrl_model_t **out)
{
    char *json = NULL;
    mrl_model_t *m = NULL;
    hid_t mw = -1;
    int rc = read_str_attr(im, fid, "model_config", &json);
    if (rc == 1)
        rc = mrl_err_set(MRL_ERR_FORMAT,
                         "'%s' has no model_config attribute (not a Keras "
                         "model file, or a weights-only file)",
                         im->path);
    if (!rc)
        rc = parse_config(im, json);
    if (!rc)
        rc = mrl_model_new(&m, &im->arch, 0);
    if (!rc && (H5Lexists(fid, "model_weights", H5P_DEFAULT) <= 0 ||
                (mw = H5Gopen2(fid, "model_weights", H5P_DEFAULT)) < 0))
        rc = mrl_err_set(MRL_ERR_FORMAT,
                         "'%s' has no model_weights group (saved without "
                         "weights?)",
                         im->path);
    for (int i = 0; !rc && i < im->n_w; i++)
        rc = load_layer(im, m, mw, &im->w[i]);
    if (!rc) {
        mrl_model_touch(m);
        rc = set_meta(im, m, fid);
    }
    if (mw >= 0)
        H5Gclose(mw);
    free(json);
    if (rc) {
        mrl_model_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

int mrl_keras_available(void)
{
    return 1;
}

int mrl_model_import_keras(mrl_model_t **out, const char *h5_path)
{
    *out = NULL;
    if (!h5_path)
        return mrl_err_set(MRL_ERR_ARG, "no file name");
    imp_t im;
    memset(&im, 0, sizeof im);
    im.path = h5_path;
    im.flatten_at = -1;
    /* HDF5 prints its own error stack by default; the library must stay silent */
    H5E_auto2_t old_fn = NULL;
    void *old_data = NULL;
    H5Eget_auto2(H5E_DEFAULT, &old_fn, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t fid = -1;
    int rc = open_h5(h5_path, &fid);
    if (!rc)
        rc = import_open(&im, fid, out);
    if (fid >= 0)
        H5Fclose(fid);
    cJSON_Delete(im.json);
    H5Eset_auto2(H5E_DEFAULT, old_fn, old_data);
    return rc;
}

#endif /* MRL_HAVE_KERAS */
