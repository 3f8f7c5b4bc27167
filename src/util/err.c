/*
 * err.c - the per-thread last-error message behind mrl_errmsg().
 *
 * The library reports failures as negative return codes; the human-readable detail
 * (file, record, line) lives in a thread-local buffer, so threads never see each
 * other's messages and nothing is printed by the library itself.
 */
#include <stdarg.h>
#include "util.h"

static _Thread_local char errbuf[1024];

int mrl_err_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, sizeof errbuf, fmt, ap);
    va_end(ap);
    return code;
}

const char *mrl_errmsg(void)
{
    return errbuf;
}

const char *mrl_strerror(int err)
{
    switch (err) {
    case MRL_OK: return "success";
    case MRL_ERR_NOMEM: return "out of memory";
    case MRL_ERR_IO: return "input/output error";
    case MRL_ERR_PARSE: return "parse error";
    case MRL_ERR_RANGE: return "value out of range";
    case MRL_ERR_FORMAT: return "unsupported format";
    case MRL_ERR_CORRUPT: return "corrupt or truncated file";
    case MRL_ERR_ARG: return "invalid argument";
    case MRL_ERR_REFUSED: return "input refused";
    case MRL_ERR_INTERNAL: return "internal error";
    case MRL_ERR_UNAVAILABLE: return "not available in this build";
    default: return "unknown error";
    }
}

uint32_t mrl_crc32(uint32_t crc, const void *buf, size_t n)
{
    /* Bitwise reflected CRC-32 (poly 0xEDB88320); model files are small enough that a
     * table-free loop costs nothing measurable. */
    const unsigned char *p = buf;
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}
