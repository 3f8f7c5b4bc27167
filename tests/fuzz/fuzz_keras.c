/*
 * fuzz_keras.c - the Keras importer's parse of the model_config JSON (layer list ->
 * mirlens architecture) on arbitrary text. The HDF5 container is a library's business;
 * the parse is static in src/nn/keras.c, so this harness compiles that file into itself
 * (it then provides mrl_model_import_keras, and the archive's keras.o is never pulled in)
 * and calls parse_config directly, as import_open does, followed by mrl_model_new on an
 * accepted architecture.
 */
#include "../../src/nn/keras.c"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *json = malloc(size + 1);
    if (!json)
        abort();
    if (size)
        memcpy(json, data, size);
    json[size] = '\0';
    imp_t im;
    memset(&im, 0, sizeof im);
    im.path = "fuzz.h5";
    im.flatten_at = -1;
    if (parse_config(&im, json) == 0) {
        mrl_model_t *m = NULL;
        if (mrl_arch_check(&im.arch) != 0)
            abort(); /* parse_config checked it */
        if (mrl_model_new(&m, &im.arch, 0) == 0)
            mrl_model_free(m);
        for (int i = 0; i < im.n_w; i++)
            if (im.w[i].mrl < 0 || im.w[i].mrl >= im.arch.n_layers)
                abort();
    }
    cJSON_Delete(im.json);
    free(json);
    return 0;
}
