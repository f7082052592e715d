/* t-SNE: perplexity calibration and affinities against scikit-learn 1.2.1,
 * the neighbour search against brute force, the gradient against finite
 * differences and Barnes-Hut against the exact gradient, the PCA
 * initialisation against sklearn's, then whole runs (separation,
 * determinism, decreasing KL) and argument errors.
 *
 * Golden numbers: the output of tests/ref/tsne_golden.py (Debian's
 * /usr/bin/python3, scikit-learn 1.2.1), pasted below as is. The inputs are
 * rebuilt here exactly as the script builds them. */
#include "test_util.h"

#include "aeclust/rng.h"
#include "aeclust/threads.h"
#include "aeclust/tsne.h"
#include "cluster/tsne_internal.h"

/* ---- golden numbers (tests/ref/tsne_golden.py) ---- */

// sklearn 1.2.1, numpy 1.24.2
#define CAL_P { \
    0.016517228f, 0.0435578798f, 0.0100318884f, 0.589882462f, 0.297475644f, 0.00339284878f, \
    0.00189375394f, 0.0264382265f, 0.0108100685f, 0.659570771f, 0.00679729537f, 0.0414281468f, \
    0.0197759199f, 0.0953326953f, 0.00405967317f, 0.00385831715f, 0.00231668987f, 0.166860491f, \
    0.00109802098f, 0.0392338447f, 0.000111069643f, 0.621476902f, 0.00252409677f, 0.0312976473f, \
    0.0856842055f, 0.21845201f, 0.000122203584f, 0.190799976f, 0.000556538375f, 0.000244499598f, \
    0.0210990723f, 0.00278189884f, 0.000163309973f, 0.000170936378f, 0.242503634f, 0.541680135f, \
    0.722275216f, 0.0673074208f, 0.0294553538f, 0.0865083208f, 0.0153485111f, 0.0185043756f, \
    0.0086852892f, 0.0183173756f, 0.0335981368f, 0.0409565991f, 0.000770924314f, 0.668612251f, \
    0.000728816489f, 0.137100217f, 0.000490114799f, 0.0730959914f, 0.00595820678f, 0.0722868787f, \
    0.00202390256f, 0.0048134111f, 0.00239165508f, 0.00912334052f, 0.0792472142f, 0.0028773773f, \
    0.298505194f, 0.571255753f, 0.0297621521f, 0.00301584637f, 0.00055177297f, 1.27590023e-14f, \
    3.54295634e-10f, 0.302226379f, 0.265446146f, 1.35689325e-05f, 0.428746286f, 1.05253778e-13f, \
    3.27494935e-10f, 0.159291492f, 0.0180535843f, 0.443067025f, 0.37888088f, 3.68271696e-08f, \
    9.12979368e-14f, 0.000706980841f, 7.08256743e-10f, 0.306160577f, 0.000341327428f, 0.0234946959f, \
    0.00040523852f, 0.00879243508f, 0.534777786f, 0.12528745f, 0.000644945543f, 9.55445228e-05f}
#define AFF_NNZ 1028
#define AFF_ROW_SUMS { \
    0.0195794629, 0.0235715931, 0.0200178367, 0.0134790959, 0.0312226061, 0.0139631554, \
    0.00855517526, 0.0207657978, 0.0194570785, 0.023775367, 0.0215244353, 0.0268474201, \
    0.0105579288, 0.009786535, 0.0111933774, 0.0250079521, 0.0232850579, 0.0223361604, \
    0.0167646366, 0.0092564423, 0.0188231733, 0.0199283647, 0.0111261632, 0.00895858367, \
    0.016653137, 0.0135649602, 0.0132500489, 0.0109588235, 0.0104152342, 0.0159173396, \
    0.0128621066, 0.0122510031, 0.0125799139, 0.0207240271, 0.0229717452, 0.017747964, \
    0.00923979376, 0.0122490917, 0.0184157927, 0.0168539172, 0.00857389185, 0.0129800659, \
    0.0127682207, 0.0148230652, 0.0206617927, 0.0135204646, 0.0171201514, 0.00855265234, \
    0.0102316314, 0.0164788843, 0.0247047259, 0.0295274704, 0.0224748154, 0.0121703461, \
    0.0242437558, 0.00913809931, 0.0224973703, 0.0181020018, 0.0227337605, 0.0122585356}
#define AFF_CHECK 1764.1980533427636 /* sum of P_ij * (60 i + j) */
#define AFF_MAX 0.00911722194
#define PCA_Y_HEAD { \
    0.000108055407f, 3.19801293e-05f, \
    -7.97863104e-05f, 3.79820449e-05f, \
    6.49880894e-05f, -7.94785774e-06f, \
    -4.85384153e-05f, 9.47797089e-05f, \
    7.66507655e-05f, -2.7657652e-05f, \
    -8.50797805e-05f, -1.6273345e-05f}
#define PCA_STD1 4.20150136e-05 /* standard deviation of column 1 */
#define OPT3_Y { \
    -1.03869128f, -0.230507419f, -0.263955235f, -0.822604179f, 0.137185633f, -0.0557677224f, \
    -1.34821987f, 0.288951635f, -0.17454575f, -0.678105474f, 0.637048841f, 0.393859684f, \
    -0.762703419f, 0.40057978f, -0.373754203f, 0.27887404f, 1.30661166f, -0.792831421f, \
    1.36617637f, -0.401358545f, 1.05653453f, 0.315273136f, 0.311273605f, -0.354440063f, \
    -0.824641347f, 0.249493346f, 0.636831462f, 0.428118259f, 0.536201119f, -0.0361565724f, \
    -0.0963030979f, -0.800618947f, -0.26401791f, -0.616001487f, -0.257598281f, 0.312785f, \
    -0.581755042f, -0.394572914f, 0.247030213f, -1.12427855f, 0.841819227f, 1.39065087f, \
    -1.43077207f, -0.0797288716f, -1.44165993f, 0.982091367f, -0.0678626746f, -0.497440666f, \
    0.415797651f, -0.229395971f, -1.30326068f, 0.383385986f, 0.022396585f, 0.402661115f, \
    -0.481301337f, 0.396607041f, 0.210662276f, 0.207063749f, -0.47789669f, 0.0819926485f, \
    0.251651496f, -0.511281371f, 0.773910046f, -0.82619381f, 0.461299121f, 0.524122417f, \
    0.852642119f, 0.280119717f, -0.140863955f, -0.464482993f, 0.305620044f, 0.798043966f, \
    -0.846427202f, -0.0108087547f, 0.0399997607f, -0.774629533f, 0.549219072f, -0.102541305f, \
    1.21250498f, 1.79876506f}
#define OPT6_Y { \
    -0.255830407f, -0.36985442f, -1.1132679f, 0.305601269f, 1.12834716f, 0.775924325f, \
    -1.05869436f, 0.837500691f, -0.686720431f, 0.287198782f, 1.00075519f, 0.760344267f, \
    1.57262921f, 0.66338104f, 0.00301678479f, -0.871263325f, -1.34566426f, 0.124549836f, \
    0.732291102f, 1.32433867f, 0.875727296f, -0.171306133f, -0.26597783f, -1.70152104f, \
    -0.0793806911f, -0.665480494f, 0.962556422f, 0.772655964f, 1.19599617f, 0.235002458f, \
    0.155109063f, -1.42724538f, -0.300209701f, -0.118637726f, -0.236651093f, 0.657720208f, \
    1.49609911f, 0.898885489f, -0.17593497f, -1.1452657f, -1.24096859f, -0.929142475f, \
    -0.311062783f, 0.194826275f, 1.91737366f, -0.0872834921f, 0.0298703313f, -1.41885459f, \
    -1.26592243f, -0.112431243f, -0.471991897f, -0.245010898f, 0.419944882f, 0.393823564f, \
    -1.24169862f, 1.0499593f, -0.983599722f, -0.725510776f, -0.670337915f, 0.447073281f, \
    0.9255867f, 0.54670769f, -0.387036115f, -1.44654262f, -1.20775175f, -0.115688324f, \
    0.855202019f, 0.866726875f, 1.27633834f, 0.896644592f, -0.794389844f, 0.491122782f, \
    -0.158676356f, -0.513586879f, -0.452902496f, 0.808466911f, 1.17183995f, 0.422982514f, \
    -1.3216114f, -0.645330191f}

/* ---- data shared with the script: dyadic values, exact in float32 ---- */

static uint64_t mix(uint64_t x) /* splitmix64 */
{
    uint64_t z = x + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t key(uint64_t tag, uint64_t i, uint64_t l, uint64_t r)
{
    return ((tag * 1000003u + i) * 1009u + l) * 4u + r;
}

static double unif(uint64_t k) { return (double)(mix(k) >> 44) / (double)(1u << 20); }

/* Row i belongs to blob i % nb: centre + (sum of 4 uniforms - 2) * spread. */
static void blobs(ae_matrix *x, uint64_t tag, size_t n, size_t d, const double *centres, size_t nb, double spread)
{
    assert_int_equal(ae_matrix_alloc(x, n, d, NULL), AE_OK);
    for (size_t i = 0; i < n; i++)
        for (size_t l = 0; l < d; l++) {
            double s = 0.0;
            for (uint64_t r = 0; r < 4; r++) s += unif(key(tag, i, l, r));
            x->data[i * d + l] = (float)(centres[(i % nb) * d + l] + (s - 2.0) * spread);
        }
}

/* 60 points in 5-d, 3 blobs 6 apart (the AFF set). */
static void aff_data(ae_matrix *x)
{
    double c[15] = {0};
    c[5] = 6;  /* blob 1: (6, 0, 0, 0, 0) */
    c[11] = 6; /* blob 2: (0, 6, 0, 0, 0) */
    blobs(x, 7, 60, 5, c, 3, 1.0);
}

/* nb blobs in d dims with centres `apart` apart along the axes. */
static void axis_blobs(ae_matrix *x, uint64_t tag, size_t n, size_t d, size_t nb, double apart, double spread)
{
    double *c = calloc(nb * d, sizeof *c);
    for (size_t b = 0; b < nb; b++) c[b * d + b % d] = apart * (double)(b / d + 1);
    blobs(x, tag, n, d, c, nb, spread);
    free(c);
}

/* n points N(0, s^2) in 2-D. */
static float *random_y(size_t n, double s, uint64_t seed)
{
    ae_rng r;
    ae_rng_seed(&r, seed);
    float *y = malloc(2 * n * sizeof *y);
    for (size_t i = 0; i < 2 * n; i++) y[i] = (float)(s * ae_rng_normal(&r));
    return y;
}

/* ---- affinities ---- */

static void test_calibration_golden(void **state)
{
    (void)state;
    float d[10 * 9];
    const float want[] = CAL_P;
    for (size_t i = 0; i < 10; i++)
        for (size_t j = 0; j < 9; j++) d[i * 9 + j] = (float)(unif(key(31, i, j, 0)) * 16) * (i == 9 ? 64.0f : 1.0f);
    ae_tsne_calibrate(d, 10, 9, 3.0);
    for (size_t i = 0; i < 10; i++) {
        double h = 0, sum = 0;
        for (size_t j = 0; j < 9; j++) {
            assert_close(d[i * 9 + j], want[i * 9 + j], 1e-6 + 1e-5 * want[i * 9 + j]);
            if (d[i * 9 + j] > 0) h -= d[i * 9 + j] * log(d[i * 9 + j]);
            sum += d[i * 9 + j];
        }
        assert_close(sum, 1.0, 1e-6);
        assert_close(h, log(3.0), 1e-5); /* the entropy the search aims at */
    }
}

/* Equal distances: every bandwidth gives the uniform row (entropy log k,
 * above the target); sklearn underflows such a row to zeros, aeclust keeps
 * the uniform probabilities. */
static void test_calibration_equal_distances(void **state)
{
    (void)state;
    float d[6] = {2, 2, 2, 2, 2, 2};
    ae_tsne_calibrate(d, 1, 6, 2.0);
    for (int j = 0; j < 6; j++) assert_close(d[j], 1.0 / 6, 1e-7);
}

/* C = [[0,1,0],[1,0,0],[1,0,0]] (0 -> 1, 1 -> 0, 2 -> 0, each with p = 1):
 * C + C^T = [[0,2,1],[2,0,0],[1,0,0]], which sums to 6. */
static void test_symmetrize_by_hand(void **state)
{
    (void)state;
    const int32_t idx[3] = {1, 0, 0};
    const float p[3] = {1, 1, 1};
    tsne_sparse P;
    assert_int_equal(ae_tsne_symmetrize(3, 1, idx, p, &P, NULL), AE_OK);
    const size_t rowptr[4] = {0, 2, 3, 4};
    const int32_t col[4] = {1, 2, 0, 0};
    const float val[4] = {2.0f / 6, 1.0f / 6, 2.0f / 6, 1.0f / 6};
    for (int i = 0; i < 4; i++) assert_int_equal(P.rowptr[i], rowptr[i]);
    for (int e = 0; e < 4; e++) {
        assert_int_equal(P.col[e], col[e]);
        assert_close(P.val[e], val[e], 1e-7);
    }
    assert_close(P.sum, 1.0, 1e-7);
    assert_close(P.plogp, 2 * (2.0 / 6 * log(2.0 / 6)) + 2 * (1.0 / 6 * log(1.0 / 6)), 1e-6);
    ae_tsne_sparse_free(&P);
}

/* P of 60 points against sklearn's _joint_probabilities_nn, and its shape:
 * symmetric (bit for bit), no diagonal, columns sorted, sum 1. */
static void test_affinities_golden(void **state)
{
    (void)state;
    ae_matrix x;
    aff_data(&x);
    tsne_sparse P;
    assert_int_equal(ae_tsne_affinities(&x, 5.0, &P, NULL), AE_OK);
    const double sums[60] = AFF_ROW_SUMS;
    assert_int_equal(P.rowptr[60], AFF_NNZ);
    double check = 0, total = 0, big = 0;
    for (size_t i = 0; i < 60; i++) {
        double s = 0;
        for (size_t e = P.rowptr[i]; e < P.rowptr[i + 1]; e++) {
            size_t j = (size_t)P.col[e];
            assert_true(j != i);
            if (e > P.rowptr[i]) assert_true(P.col[e - 1] < P.col[e]);
            int found = 0; /* the mirror entry, equal to the bit */
            for (size_t f = P.rowptr[j]; f < P.rowptr[j + 1]; f++)
                if ((size_t)P.col[f] == i) found = P.val[f] == P.val[e];
            assert_true(found);
            s += P.val[e];
            check += P.val[e] * (double)(60 * i + j);
            big = P.val[e] > big ? P.val[e] : big;
        }
        assert_close(s, sums[i], 1e-8);
        total += s;
    }
    assert_close(total, 1.0, 1e-6);
    assert_close(check, AFF_CHECK, 1e-4);
    assert_close(big, AFF_MAX, 1e-9);
    ae_tsne_sparse_free(&P);
    ae_matrix_free(&x);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* 1,500 points (several query and reference tiles) against brute force in
 * double: each row's k-th distance, and every neighbour returned within it. */
static void test_knn_brute_force(void **state)
{
    (void)state;
    const size_t n = 1500, d = 5;
    const int k = 20;
    ae_matrix x;
    assert_int_equal(ae_matrix_alloc(&x, n, d, NULL), AE_OK);
    for (size_t i = 0; i < n * d; i++) x.data[i] = (float)unif(key(41, i, 0, 0)) - 0.5f;
    int32_t *idx = malloc(n * (size_t)k * sizeof *idx);
    float *d2 = malloc(n * (size_t)k * sizeof *d2);
    double *all = malloc(n * sizeof *all), *sorted = malloc(n * sizeof *sorted);
    assert_int_equal(ae_tsne_knn(&x, k, idx, d2, NULL), AE_OK);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            double s = 0;
            for (size_t c = 0; c < d; c++) {
                double e = (double)x.data[i * d + c] - x.data[j * d + c];
                s += e * e;
            }
            all[j] = j == i ? INFINITY : s;
        }
        memcpy(sorted, all, n * sizeof *all);
        qsort(sorted, n, sizeof *sorted, cmp_double);
        double kth = sorted[k - 1];
        for (int m = 0; m < k; m++) {
            size_t j = (size_t)idx[i * k + m];
            assert_true(j != i && j < n);
            assert_true(all[j] <= kth);
            assert_close(d2[i * k + m], all[j], 1e-6 * all[j]);
            if (m > 0) assert_true(d2[i * k + m - 1] <= d2[i * k + m]);
            for (int q = 0; q < m; q++) assert_true(idx[i * k + q] != idx[i * k + m]);
        }
        assert_close(d2[i * k + k - 1], kth, 1e-6 * kth);
        if (i >= 40) i += 37; /* a sample of rows keeps the O(n^2) check fast */
    }
    free(idx), free(d2), free(all), free(sorted);
    ae_matrix_free(&x);
}

/* ---- gradient ---- */

/* The exact gradient against central differences of the exact KL. */
static void test_exact_gradient_finite_differences(void **state)
{
    (void)state;
    ae_matrix x;
    aff_data(&x);
    tsne_sparse P;
    assert_int_equal(ae_tsne_affinities(&x, 5.0, &P, NULL), AE_OK);
    float *y = random_y(60, 1.0, 5), *g = malloc(120 * sizeof *g), *scratch = malloc(120 * sizeof *g);
    double kl;
    ae_tsne_gradient_exact(&P, 1.0f, y, g, &kl);
    assert_true(kl > 0);
    for (size_t e = 0; e < 120; e += 7) {
        float keep = y[e], up = keep + 1e-2f, down = keep - 1e-2f;
        double k_up, k_down;
        y[e] = up;
        ae_tsne_gradient_exact(&P, 1.0f, y, scratch, &k_up);
        y[e] = down;
        ae_tsne_gradient_exact(&P, 1.0f, y, scratch, &k_down);
        y[e] = keep;
        double fd = (k_up - k_down) / ((double)up - down);
        assert_close(g[e], fd, 1e-4 + 1e-3 * fabs(fd));
    }
    free(y), free(g), free(scratch);
    ae_tsne_sparse_free(&P);
    ae_matrix_free(&x);
}

/* Barnes-Hut against the exact gradient on 300 points (several groups of the
 * tree walk): identical up to float rounding at theta = 0, close at 0.5
 * (relative error of the whole gradient under 0.8%, of the KL under 0.05%). */
static void check_bh_against_exact(const float *y, size_t n, const tsne_sparse *P, float exag)
{
    tsne_work w;
    assert_int_equal(ae_tsne_work_alloc(&w, n, NULL), AE_OK);
    float *g = malloc(2 * n * sizeof *g), *ge = malloc(2 * n * sizeof *ge);
    double kl, kle;
    ae_tsne_gradient_exact(P, exag, y, ge, &kle);
    double norm = 0, big = 0;
    for (size_t e = 0; e < 2 * n; e++) norm += (double)ge[e] * ge[e], big = fmax(big, fabs(ge[e]));
    norm = sqrt(norm);

    ae_tsne_gradient(&w, P, exag, y, 0.0f, g, &kl);
    for (size_t e = 0; e < 2 * n; e++) assert_close(g[e], ge[e], 2e-5 * big);
    assert_close(kl, kle, 1e-5);

    ae_tsne_gradient(&w, P, exag, y, 0.5f, g, &kl);
    double err = 0;
    for (size_t e = 0; e < 2 * n; e++) err += ((double)g[e] - ge[e]) * ((double)g[e] - ge[e]);
    assert_true(sqrt(err) <= 0.008 * norm); /* measured 0.0037 at most; 0.018 with a test as loose as theta = 1 */
    assert_close(kl, kle, 5e-4 * kle);
    free(g), free(ge);
    ae_tsne_work_free(&w);
}

static void test_barnes_hut_vs_exact(void **state)
{
    (void)state;
    const size_t n = 300;
    ae_matrix x;
    axis_blobs(&x, 11, n, 10, 3, 8.0, 1.0);
    tsne_sparse P;
    assert_int_equal(ae_tsne_affinities(&x, 20.0, &P, NULL), AE_OK);
    float *y = random_y(n, 3.0, 1);
    check_bh_against_exact(y, n, &P, 1.0f);
    check_bh_against_exact(y, n, &P, 12.0f);
    /* coincident points: 100 at one place share a leaf at the tree's last level */
    for (size_t i = 0; i < 100; i++) y[2 * i] = 1.0f, y[2 * i + 1] = -2.0f;
    check_bh_against_exact(y, n, &P, 1.0f);
    free(y);
    ae_tsne_sparse_free(&P);
    ae_matrix_free(&x);
}

/* ---- initialisation ---- */

/* sklearn's init="pca": PCA(2) scores, column 0 scaled to std 1e-4. */
static void test_pca_init_golden(void **state)
{
    (void)state;
    const double c[8] = {0, 0, 0, 0, 3, 1, 0, 0};
    ae_matrix x;
    blobs(&x, 9, 50, 4, c, 2, 1.0);
    for (size_t j = 0; j < 4; j++) { /* the init expects centred data, as ae_tsne_fit gives it */
        double m = 0;
        for (size_t i = 0; i < 50; i++) m += x.data[i * 4 + j];
        for (size_t i = 0; i < 50; i++) x.data[i * 4 + j] -= (float)(m / 50);
    }
    float y[100];
    const float head[12] = PCA_Y_HEAD;
    assert_int_equal(ae_tsne_init_pca(&x, 0, y, NULL), AE_OK);
    for (int e = 0; e < 12; e++) assert_close(y[e], head[e], 1e-4 * fabs(head[e]) + 1e-10);
    double m0 = 0, m1 = 0, v0 = 0, v1 = 0;
    for (int i = 0; i < 50; i++) m0 += y[2 * i] / 50.0, m1 += y[2 * i + 1] / 50.0;
    for (int i = 0; i < 50; i++) v0 += pow(y[2 * i] - m0, 2) / 50, v1 += pow(y[2 * i + 1] - m1, 2) / 50;
    assert_close(sqrt(v0), 1e-4, 1e-10);
    assert_close(sqrt(v1), PCA_STD1, 1e-9);
    ae_matrix_free(&x);
}

/* ---- the optimiser ---- */

/* Three exaggerated steps, then three of the second phase, against sklearn's
 * _gradient_descent with the exact gradient on the same P and init. */
static void test_optimiser_golden(void **state)
{
    (void)state;
    double c[4 * 6] = {0};
    c[6] = c[13] = c[20] = 5; /* blobs at 0, 5 e0, 5 e1, 5 e2 */
    ae_matrix x;
    blobs(&x, 29, 40, 6, c, 4, 1.0);
    const float want3[80] = OPT3_Y, want6[80] = OPT6_Y;
    ae_tsne_opts o = ae_tsne_defaults();
    o.perplexity = 13.1; /* 39 neighbours: all the others, in sklearn too */
    o.theta = 0;
    o.exaggeration_iter = 3;
    for (int run = 0; run < 2; run++) {
        o.n_iter = run ? 6 : 3;
        const float *want = run ? want6 : want3;
        ae_tsne_result r;
        assert_int_equal(ae_tsne_fit(&x, &o, &r, NULL), AE_OK);
        assert_int_equal(r.n_iter, o.n_iter);
        for (int e = 0; e < 80; e++) assert_close(r.y.data[e], want[e], 1e-4); /* measured: 8e-6 at most */
        ae_tsne_result_free(&r);
    }
    ae_matrix_free(&x);
}

/* ---- whole runs ---- */

typedef struct {
    int n;
    int iter[64];
    double kl[64];
} kl_log;

static void log_kl(void *ctx, int iter, double kl)
{
    kl_log *l = ctx;
    if (l->n < 64) l->iter[l->n] = iter, l->kl[l->n++] = kl;
}

/* Five blobs far apart in 10-d stay apart in 2-d: every point's nearest
 * neighbour in the embedding is from its own blob. */
static void test_blobs_stay_separated(void **state)
{
    (void)state;
    const size_t n = 500;
    ae_matrix x;
    axis_blobs(&x, 13, n, 10, 5, 20.0, 1.0);
    ae_tsne_opts o = ae_tsne_defaults();
    o.n_iter = 500;
    ae_tsne_result r;
    assert_int_equal(ae_tsne_fit(&x, &o, &r, NULL), AE_OK);
    assert_int_equal(r.y.rows, n);
    assert_int_equal(r.y.cols, 2);
    assert_int_equal(r.n_iter, 500);
    assert_close(r.learning_rate, 50.0, 0); /* auto: max(500 / 12 / 4, 50) */
    assert_true(isfinite(r.kl) && r.kl > 0);
    size_t agree = 0;
    for (size_t i = 0; i < n; i++) {
        size_t best = i;
        double bd = INFINITY;
        for (size_t j = 0; j < n; j++) {
            double dx = r.y.data[2 * i] - r.y.data[2 * j], dy = r.y.data[2 * i + 1] - r.y.data[2 * j + 1];
            if (j != i && dx * dx + dy * dy < bd) bd = dx * dx + dy * dy, best = j;
        }
        agree += best % 5 == i % 5;
    }
    assert_true(agree >= 495); /* >= 0.99 */
    ae_tsne_result_free(&r);
    ae_matrix_free(&x);
}

/* Same seed, same bits; another seed (random init) another embedding. */
static void test_same_seed_same_output(void **state)
{
    (void)state;
    const size_t n = 200;
    ae_matrix x;
    axis_blobs(&x, 17, n, 6, 4, 6.0, 1.0);
    ae_tsne_opts o = ae_tsne_defaults();
    o.n_iter = 300;
    o.perplexity = 10;
    ae_tsne_result a, b, c;
    for (int init = 0; init < 2; init++) {
        o.init = init ? AE_TSNE_INIT_RANDOM : AE_TSNE_INIT_PCA;
        o.seed = 3;
        assert_int_equal(ae_tsne_fit(&x, &o, &a, NULL), AE_OK);
        assert_int_equal(ae_tsne_fit(&x, &o, &b, NULL), AE_OK);
        o.seed = 4;
        assert_int_equal(ae_tsne_fit(&x, &o, &c, NULL), AE_OK);
        assert_memory_equal(a.y.data, b.y.data, 2 * n * sizeof(float));
        assert_true(a.kl == b.kl);
        /* the seed matters to the random init only */
        assert_int_equal(memcmp(a.y.data, c.y.data, 2 * n * sizeof(float)) != 0, init == 1);
        ae_tsne_result_free(&a), ae_tsne_result_free(&b), ae_tsne_result_free(&c);
    }
    ae_matrix_free(&x);
}

/* The thread count does not change a bit of the result (ae_set_threads sets
 * the pool's and OpenBLAS's: the init's one GEMM runs on the calling thread
 * for that reason). */
static void test_thread_count_does_not_matter(void **state)
{
    (void)state;
    const size_t n = 400;
    ae_matrix x;
    axis_blobs(&x, 37, n, 6, 4, 6.0, 1.0);
    ae_tsne_opts o = ae_tsne_defaults();
    o.n_iter = 100;
    ae_tsne_result a, b;
    assert_int_equal(ae_set_threads(1, NULL), AE_OK);
    assert_int_equal(ae_tsne_fit(&x, &o, &a, NULL), AE_OK);
    assert_int_equal(ae_set_threads(3, NULL), AE_OK);
    assert_int_equal(ae_tsne_fit(&x, &o, &b, NULL), AE_OK);
    assert_int_equal(ae_set_threads(0, NULL), AE_OK); /* back to the default */
    assert_memory_equal(a.y.data, b.y.data, 2 * n * sizeof(float));
    assert_true(a.kl == b.kl);
    ae_tsne_result_free(&a), ae_tsne_result_free(&b);
    ae_matrix_free(&x);
}

/* The progress callback sees the KL every 50 iterations; once the
 * exaggeration is over it only goes down. */
static void test_kl_decreases(void **state)
{
    (void)state;
    ae_matrix x;
    axis_blobs(&x, 19, 300, 8, 4, 5.0, 1.5);
    ae_tsne_opts o = ae_tsne_defaults();
    o.n_iter = 600;
    kl_log l = {0};
    o.progress = log_kl;
    o.progress_ctx = &l;
    ae_tsne_result r;
    assert_int_equal(ae_tsne_fit(&x, &o, &r, NULL), AE_OK);
    assert_int_equal(l.n, 12);
    for (int i = 0; i < l.n; i++) assert_int_equal(l.iter[i], 50 * (i + 1));
    for (int i = 6; i < l.n; i++) assert_true(l.kl[i] <= l.kl[i - 1] + 1e-4); /* from iteration 300 on */
    assert_true(l.kl[l.n - 1] < 0.9 * l.kl[5]);
    assert_true(r.kl <= l.kl[l.n - 1] + 1e-3);
    ae_tsne_result_free(&r);
    ae_matrix_free(&x);
}

/* ---- errors ---- */

static void expect_fit_error(const ae_matrix *x, const ae_tsne_opts *o, ae_status want, const char *text)
{
    ae_error err;
    ae_tsne_result r;
    assert_int_equal(ae_tsne_fit(x, o, &r, &err), want);
    if (!strstr(err.msg, text)) fail_msg("message '%s' lacks '%s'", err.msg, text);
    assert_null(r.y.data);
    ae_tsne_result_free(&r);
}

static void test_bad_input(void **state)
{
    (void)state;
    ae_matrix x;
    axis_blobs(&x, 23, 100, 3, 2, 4.0, 1.0);
    ae_tsne_opts o = ae_tsne_defaults();
    o.perplexity = 50;
    expect_fit_error(&x, &o, AE_ERR_ARG, "perplexity 50 is too large for 100 points (it must be below n/3 = 33.3)");
    o.perplexity = 33.4;
    expect_fit_error(&x, &o, AE_ERR_ARG, "too large");
    o.perplexity = 0.5;
    expect_fit_error(&x, &o, AE_ERR_ARG, "perplexity 0.5 is too small");
    o = ae_tsne_defaults();
    o.theta = 1.5;
    expect_fit_error(&x, &o, AE_ERR_ARG, "theta");
    o = ae_tsne_defaults();
    o.n_iter = 0;
    expect_fit_error(&x, &o, AE_ERR_ARG, "n_iter");
    o = ae_tsne_defaults();
    o.learning_rate = -1;
    expect_fit_error(&x, &o, AE_ERR_ARG, "learning rate");
    o = ae_tsne_defaults();
    o.early_exaggeration = 0.5;
    expect_fit_error(&x, &o, AE_ERR_ARG, "exaggeration");
    o = ae_tsne_defaults();
    x.data[2 * 3 + 1] = NAN;
    expect_fit_error(&x, &o, AE_ERR_NUMERIC, "NaN at row 2, column 1");
    x.data[2 * 3 + 1] = INFINITY;
    expect_fit_error(&x, &o, AE_ERR_NUMERIC, "Inf at row 2, column 1");
    ae_matrix_free(&x);

    ae_matrix small;
    assert_int_equal(ae_matrix_alloc(&small, 3, 2, NULL), AE_OK);
    expect_fit_error(&small, &o, AE_ERR_ARG, "at least 4 points, got 3");
    ae_matrix_free(&small);
    ae_matrix empty;
    assert_int_equal(ae_matrix_alloc(&empty, 10, 0, NULL), AE_OK);
    expect_fit_error(&empty, &o, AE_ERR_ARG, "no columns");
    ae_matrix_free(&empty);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calibration_golden),
        cmocka_unit_test(test_calibration_equal_distances),
        cmocka_unit_test(test_symmetrize_by_hand),
        cmocka_unit_test(test_affinities_golden),
        cmocka_unit_test(test_knn_brute_force),
        cmocka_unit_test(test_exact_gradient_finite_differences),
        cmocka_unit_test(test_barnes_hut_vs_exact),
        cmocka_unit_test(test_pca_init_golden),
        cmocka_unit_test(test_optimiser_golden),
        cmocka_unit_test(test_blobs_stay_separated),
        cmocka_unit_test(test_same_seed_same_output),
        cmocka_unit_test(test_thread_count_does_not_matter),
        cmocka_unit_test(test_kl_decreases),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
