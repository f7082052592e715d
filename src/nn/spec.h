/* Architecture specs: "dense 128 relu, dense 64 relu, dense 32" (internal).
 *
 * A spec is a comma-separated list of layers; a layer is a kind keyword
 * followed by whitespace-separated arguments that the kind parses itself
 * (layer.h), so new kinds add no grammar here. */
#ifndef AE_NN_SPEC_H
#define AE_NN_SPEC_H

#include "layer.h"

#define AE_SPEC_MAX_LAYERS 256

/* Parses spec into a malloc'd array of *n layers (config and activation set,
 * shapes not yet inferred). part ("encoder"/"decoder") prefixes messages:
 * "encoder layer 2: unknown activation 'rellu' ...", "decoder: empty spec". */
ae_status ae_spec_parse(const char *spec, const char *part, ae_layer **layers, int *n, ae_error *err);

/* The canonical text of layers [0, n) ("dense 128 relu, dense 32 linear"),
 * malloc'd; NULL when out of memory. */
char *ae_spec_format(const ae_layer *layers, int n);

/* Parses a real-number argument of a layer into *out: within [lo, hi], each
 * end open when lo_open / hi_open; what names it in messages ("momentum must
 * be in [0, 1], got 2"). -1 + msg on a problem. */
int ae_spec_parse_real(const char *tok, const char *what, double lo, double hi, bool lo_open, bool hi_open,
                       float *out, char *msg, size_t msgn);
/* The shortest text that reads back as the same float: "0.1", not "0.100000001". */
void ae_spec_format_real(float v, char *buf, size_t n);

#endif
