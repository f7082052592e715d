/* Sliding-window geometry shared by conv2d, conv2d_transpose and maxpool2d
 * (internal): their spec options and the output-size rules.
 *
 * Options follow the two numbers of a spec item, in any order:
 *   sS        stride S (conv: 1 unless given; pool: the pool size)
 *   valid     no padding (the default, as Keras and PyTorch)
 *   same      Keras' "same": out = ceil(in / S); for a forward window
 *             pad_total = max((out-1) S + K - in, 0), pad_top = pad_total / 2,
 *             the odd one on the bottom/right (TensorFlow's split)
 *   pP        PyTorch's padding=P on every side
 *   opQ       PyTorch's output_padding=Q (conv2d_transpose with pP only)
 *   ACTIVATION as in dense (conv layers only)
 * Windows are square: one size K, one stride S for both axes. */
#ifndef AE_NN_WINDOW_H
#define AE_NN_WINDOW_H

#include <stddef.h>

#include "activation.h"

typedef enum { AE_PAD_VALID, AE_PAD_SAME, AE_PAD_EXPLICIT } ae_pad_mode;

typedef struct {
    int size;   /* K: kernel or pool size */
    int stride; /* S >= 1 */
    ae_pad_mode pad;
    int pad_n;   /* P of pP */
    int out_pad; /* Q of opQ */
} ae_window;

/* Largest kernel, stride or padding accepted, and most channels: keep size
 * products well inside int. */
#define AE_WINDOW_MAX 1024
#define AE_CHANNELS_MAX 65536

/* What a kind accepts after its numbers. */
enum {
    AE_WIN_ACT = 1,   /* an activation */
    AE_WIN_OUTPAD = 2 /* opQ */
};

/* Parses the option tokens into w (whose size and default stride the caller
 * has set) and, with AE_WIN_ACT, *act / *alpha. -1 + msg on a problem. */
int ae_window_parse(ae_window *w, unsigned allow, int ntok, char *const *tok, ae_act *act, float *alpha, char *msg,
                    size_t msgn);

/* "FILTERS KERNEL options" of conv2d and conv2d_transpose (kind names the
 * keyword in messages): *filters, w (stride 1, valid unless given), *act. */
int ae_window_parse_conv(const char *kind, unsigned allow, int ntok, char *const *tok, int *filters, ae_window *w,
                         ae_act *act, float *alpha, char *msg, size_t msgn);

/* Canonical option text: "s2 same", "s1 p1", "s2 p1 op1". */
void ae_window_format(const ae_window *w, char *buf, size_t n);

/* A forward window (conv2d, maxpool2d) over an h x w input: output size and
 * the leading (top, left) padding. noun names K in messages ("kernel",
 * "pool size"): "kernel 5 is larger than the 3x3 input". -1 + msg when no
 * window fits. */
int ae_window_forward(const ae_window *w, const char *noun, int h, int wd, int *oh, int *ow, int *pt, int *pl,
                      char *msg, size_t msgn);

/* conv2d_transpose over an h x w input: output size and the crop (top,
 * left) of the full (in-1) S + K result:
 *   same   out = in S, crop = max(K - S, 0) / 2 (the transpose of a "same" conv2d)
 *   valid  out = in S + max(K - S, 0), crop 0 (Keras)
 *   pP opQ out = (in-1) S - 2P + K + Q, crop P (PyTorch)
 * -1 + msg when the output would be empty. */
int ae_window_transpose(const ae_window *w, int h, int wd, int *oh, int *ow, int *ct, int *cl, char *msg, size_t msgn);

/* Parses a whole-number argument in [lo, hi]; what names it in messages
 * ("stride must be at least 1, got 0"). -1 + msg on a problem. */
int ae_parse_int(const char *tok, const char *what, long lo, long hi, int *out, char *msg, size_t msgn);

#endif
