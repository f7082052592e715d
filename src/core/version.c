/* The library's own copy of the version macros, compiled in, so a program can
 * compare them with the header it was built against. */
#include "aeclust/version.h"

const char *ae_version(void) { return AECLUST_VERSION_STRING; }

int ae_version_number(void) { return AECLUST_VERSION_NUMBER; }
