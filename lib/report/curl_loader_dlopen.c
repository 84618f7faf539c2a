#include "report/curl_loader.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <string.h>

#ifndef AR_CURL_SONAME
#define AR_CURL_SONAME "libcurl.so.4"
#endif

/* dlsym returns void *; converting through memcpy keeps ISO C happy about
 * object-to-function pointer conversion. */
static bool sym(void *h, const char *name, void *fn_ptr, size_t size)
{
	void *p = dlsym(h, name);
	if (p == NULL)
		return false;
	memcpy(fn_ptr, &p, size);
	return true;
}

#define SYM(field, name) sym(h, name, &fns->field, sizeof(fns->field))

ar_status curl_loader_open(curl_fns *fns, ar_error *err)
{
	void *h;

	memset(fns, 0, sizeof(*fns));
	/* Never unloaded: libcurl's TLS libraries keep thread-local storage and
	 * exit handlers of their own, which must outlive the handle (a run ends
	 * soon after anyway). */
	h = dlopen(AR_CURL_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (h == NULL)
		return ar_error_set(err, AR_E_UNSUPPORTED, "cannot load %s: %s", AR_CURL_SONAME,
		                    dlerror());
	if (!SYM(global_init, "curl_global_init") || !SYM(global_cleanup, "curl_global_cleanup") ||
	    !SYM(easy_init, "curl_easy_init") || !SYM(easy_setopt, "curl_easy_setopt") ||
	    !SYM(easy_perform, "curl_easy_perform") || !SYM(easy_getinfo, "curl_easy_getinfo") ||
	    !SYM(easy_cleanup, "curl_easy_cleanup") || !SYM(easy_reset, "curl_easy_reset") ||
	    !SYM(easy_strerror, "curl_easy_strerror") || !SYM(slist_append, "curl_slist_append") ||
	    !SYM(slist_free_all, "curl_slist_free_all")) {
		dlclose(h);
		return ar_error_set(err, AR_E_UNSUPPORTED, "%s lacks a needed function",
		                    AR_CURL_SONAME);
	}
	fns->handle = h;
	return AR_OK;
}

void curl_loader_close(curl_fns *fns)
{
	if (fns->handle != NULL)
		dlclose(fns->handle);
	memset(fns, 0, sizeof(*fns));
}
