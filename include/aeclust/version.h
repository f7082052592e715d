/* aeclust's version: the one this header describes (what a program was
 * compiled against) and the one of the library it runs with.
 *
 * MAJOR.MINOR.PATCH, semantic versioning: MAJOR changes when the ABI breaks
 * (a function removed or changed, a public struct's layout changed), MINOR
 * when something is added, PATCH for fixes only. These three lines are the
 * one place the version is written: the Makefile reads them for the shared
 * library's soname (libaeclust.so.MAJOR, the file libaeclust.so.MAJOR.MINOR.PATCH)
 * and for aeclust.pc. While MAJOR is 0 the API is still settling.
 *
 * A program linked against the shared library can check that it runs with
 * the library it was compiled for:
 *
 *     if (ae_version_number() / 10000 != AECLUST_VERSION_MAJOR) ... mismatch */
#ifndef AECLUST_VERSION_H
#define AECLUST_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

#define AECLUST_VERSION_MAJOR 0
#define AECLUST_VERSION_MINOR 4
#define AECLUST_VERSION_PATCH 0

#define AECLUST_VERSION_STR_(x) #x
#define AECLUST_VERSION_XSTR_(x) AECLUST_VERSION_STR_(x)
/* "0.4.0" */
#define AECLUST_VERSION_STRING                                                                         \
    AECLUST_VERSION_XSTR_(AECLUST_VERSION_MAJOR) "." AECLUST_VERSION_XSTR_(AECLUST_VERSION_MINOR) "." \
        AECLUST_VERSION_XSTR_(AECLUST_VERSION_PATCH)
/* MAJOR * 10000 + MINOR * 100 + PATCH (400 for 0.4.0): compares with < and >. */
#define AECLUST_VERSION_NUMBER (AECLUST_VERSION_MAJOR * 10000 + AECLUST_VERSION_MINOR * 100 + AECLUST_VERSION_PATCH)

/* The library's version string ("0.4.0"), AECLUST_VERSION_STRING when it was built. */
const char *ae_version(void);

/* The library's AECLUST_VERSION_NUMBER when it was built. */
int ae_version_number(void);

#ifdef __cplusplus
}
#endif

#endif
