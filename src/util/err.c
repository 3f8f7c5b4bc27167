/*
 * err.c - the per-thread last-error message behind mrl_errmsg().
 *
 * The library reports failures as negative return codes; the human-readable detail
 * (file, record, line) lives in a thread-local buffer, so threads never see each
 * other's messages and nothing is printed by the library itself. Control bytes and
 * malformed UTF-8 in a message are escaped as \xHH (input-derived text goes into it).
 */
#include <stdarg.h>
#include <string.h>
#include "util.h"

static _Thread_local char errbuf[1024];

/* Length of the well-formed UTF-8 sequence starting at s (at most n bytes), 0 if none
 * (a stray continuation byte, an overlong or truncated sequence, a surrogate). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t k = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (s[0] >= 0xf5 || k == 0 || k > n)
        return 0;
    for (size_t i = 1; i < k; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
        (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
        return 0;
    return k;
}

size_t mrl_err_escape(char *dst, size_t cap, const char *src)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t n = strlen(src), o = 0;
    if (cap == 0)
        return 0;
    for (size_t i = 0; i < n;) {
        size_t k = s[i] < 0x80 ? 1 : utf8_len(s + i, n - i);
        int esc = k == 0 || s[i] < 0x20 || s[i] == 0x7f;
        size_t need = esc ? 4 : k;
        if (o + need >= cap)
            break;
        if (esc)
            snprintf(dst + o, cap - o, "\\x%02x", s[i]);
        else
            memcpy(dst + o, s + i, k);
        o += need;
        i += esc ? 1 : k;
    }
    dst[o] = '\0';
    return o;
}

int mrl_err_set(int code, const char *fmt, ...)
{
    /* Messages carry input-derived text (names, lines, tokens): control bytes and bytes
     * that are not UTF-8 are shown as \xHH, so a message cannot garble a terminal. */
    char raw[sizeof errbuf];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    mrl_err_escape(errbuf, sizeof errbuf, raw);
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
