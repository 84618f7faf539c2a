#include "report/curl_loader.h"

#include <string.h>

/* libcurl is linked into the .exe: the table points at it directly. */
ar_status curl_loader_open(curl_fns *fns, ar_error *err)
{
	(void)err;
	memset(fns, 0, sizeof(*fns));
	fns->global_init = curl_global_init;
	fns->global_cleanup = curl_global_cleanup;
	fns->easy_init = curl_easy_init;
	fns->easy_setopt = curl_easy_setopt;
	fns->easy_perform = curl_easy_perform;
	fns->easy_getinfo = curl_easy_getinfo;
	fns->easy_cleanup = curl_easy_cleanup;
	fns->easy_reset = curl_easy_reset;
	fns->easy_strerror = curl_easy_strerror;
	fns->slist_append = curl_slist_append;
	fns->slist_free_all = curl_slist_free_all;
	return AR_OK;
}

void curl_loader_close(curl_fns *fns)
{
	memset(fns, 0, sizeof(*fns));
}
