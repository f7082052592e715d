/* Base64 (RFC 4648, section 4: the standard alphabet with '=' padding), for
 * embedding PNG figures in the HTML report as data: URIs. Internal. */
#ifndef AE_VIZ_BASE64_H
#define AE_VIZ_BASE64_H

#include <stddef.h>

/* Characters ae_base64_encode writes for n bytes (without the terminating NUL). */
size_t ae_base64_len(size_t n);

/* Encodes n bytes of in into out, which must hold ae_base64_len(n) + 1 chars;
 * out is NUL-terminated. */
void ae_base64_encode(const unsigned char *in, size_t n, char *out);

#endif
