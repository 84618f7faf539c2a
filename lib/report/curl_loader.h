/* The few libcurl functions the API client uses, as a table. On Windows and
 * in the static sweep they are linked in (curl_loader_static.c); elsewhere libcurl is
 * opened with dlopen() only when the API is called (curl_loader_dlopen.c),
 * because linking it loads its 30-odd shared libraries on every run. */
#ifndef CURL_LOADER_H
#define CURL_LOADER_H

#include "util/ar_error.h"

#include <curl/curl.h>

typedef struct curl_fns {
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *h);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *h);
	void (*easy_reset)(CURL *h);
	const char *(*easy_strerror)(CURLcode code);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
	void (*slist_free_all)(struct curl_slist *list);
	void *handle; /* the dlopen() handle, or NULL */
} curl_fns;

/* Fills fns; AR_E_UNSUPPORTED with a message when libcurl cannot be had. */
ar_status curl_loader_open(curl_fns *fns, ar_error *err);
void curl_loader_close(curl_fns *fns);

#endif
