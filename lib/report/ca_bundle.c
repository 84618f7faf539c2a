#include "report/ca_bundle.h"

#include "platform/platform.h"

#include <stddef.h>

/* Where the distributions that run a Wazuh manager keep the system's
 * roots as one PEM file, most common first. */
static const char *const SYSTEM_BUNDLES[] = {
        "/etc/ssl/certs/ca-certificates.crt",                /* Debian, Ubuntu */
        "/etc/pki/tls/certs/ca-bundle.crt",                  /* RHEL, CentOS, Amazon Linux */
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* RHEL 7 and later */
        "/etc/ssl/ca-bundle.pem",                            /* SUSE */
        "/var/lib/ca-certificates/ca-bundle.pem",            /* SUSE, newer */
        "/etc/ssl/cert.pem",                                 /* Alpine */
};

/* Whether libcurl verifies h against roots of its own when told none:
 * a built-in CA file or folder. A libcurl too old to say has them. */
static bool curl_has_roots(const curl_fns *f, CURL *h)
{
	char *file = NULL;
	char *dir = NULL;

	if (f->easy_getinfo(h, CURLINFO_CAINFO, &file) != CURLE_OK ||
	    f->easy_getinfo(h, CURLINFO_CAPATH, &dir) != CURLE_OK)
		return true;
	return file != NULL || dir != NULL;
}

const char *ca_bundle_default(const curl_fns *f, CURL *h, FILE *note)
{
	size_t i;

	if (curl_has_roots(f, h))
		return NULL;
	for (i = 0; i < sizeof(SYSTEM_BUNDLES) / sizeof(SYSTEM_BUNDLES[0]); i++) {
		if (platform_exists(SYSTEM_BUNDLES[i])) {
			fprintf(note, "CA bundle: %s (the system's; api.ca_file names none)\n",
			        SYSTEM_BUNDLES[i]);
			return SYSTEM_BUNDLES[i];
		}
	}
	return NULL;
}
