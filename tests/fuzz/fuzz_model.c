/*
 * fuzz_model.c - the model file loader (mrl_model_load) on arbitrary bytes, once as given
 * and once with a valid CRC-32 appended (so the fuzzer reaches every field behind the
 * checksum). A model that loads is saved, loaded and saved again: the two files must be
 * byte for byte the same.
 */
#include "util/util.h"
#include "fuzz.h"

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        abort();
    fseek(fp, 0, SEEK_END);
    long sz = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    unsigned char *b = malloc(sz > 0 ? (size_t)sz : 1);
    if (!b || sz < 0 || fread(b, 1, (size_t)sz, fp) != (size_t)sz)
        abort();
    fclose(fp);
    *n = (size_t)sz;
    return b;
}

static void round_trip(const mrl_model_t *m, const char *p1, const char *p2)
{
    mrl_model_t *m2 = NULL;
    if (mrl_model_save(m, p1) != 0 || mrl_model_load(&m2, p1) != 0 || mrl_model_save(m2, p2) != 0)
        abort();
    size_t n1, n2;
    unsigned char *b1 = slurp(p1, &n1), *b2 = slurp(p2, &n2);
    if (n1 != n2 || memcmp(b1, b2, n1) != 0)
        abort();
    free(b1), free(b2);
    mrl_model_free(m2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[256], p1[256], p2[256];
    fuzz_path(path, sizeof path, "in.mrlm");
    fuzz_path(p1, sizeof p1, "out1.mrlm");
    fuzz_path(p2, sizeof p2, "out2.mrlm");
    unsigned char *buf = malloc(size + 4);
    if (!buf)
        abort();
    if (size)
        memcpy(buf, data, size);
    for (int pass = 0; pass < 2; pass++) {
        size_t n = size;
        if (pass == 1) {
            uint32_t crc = mrl_crc32(0, buf, size);
            for (int k = 0; k < 4; k++)
                buf[n++] = (unsigned char)(crc >> (8 * k));
        }
        fuzz_write(path, buf, n);
        mrl_model_t *m = NULL;
        if (mrl_model_load(&m, path) == 0) {
            round_trip(m, p1, p2);
            mrl_model_free(m);
        }
    }
    free(buf);
    unlink(path), unlink(p1), unlink(p2);
    return 0;
}
