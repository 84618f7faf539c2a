/* The roots the API client verifies the server with when the configuration
 * names no ca_file and libcurl was built with no CA of its own (the static
 * sweep's): the system bundle, wherever the distribution keeps it. */
#ifndef CA_BUNDLE_H
#define CA_BUNDLE_H

#include "report/curl_loader.h"

#include <stdio.h>

/* The bundle to give h as CURLOPT_CAINFO: NULL when libcurl has roots of
 * its own for h (a CA file or folder built in, or the system's store as
 * with Schannel) or when no system bundle is found; else the first that
 * exists, named in one line on note. */
const char *ca_bundle_default(const curl_fns *f, CURL *h, FILE *note);

#endif
