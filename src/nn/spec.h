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

#endif
