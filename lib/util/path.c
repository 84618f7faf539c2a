#include "util/path.h"

#include "platform/platform.h"
#include "util/strbuf.h"

#include <string.h>

char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	strbuf sb = {0};

	strbuf_add(&sb, dir, n);
	if (n == 0 || !platform_is_dir_sep(dir[n - 1])) {
		char sep = platform_dir_sep();
		strbuf_add(&sb, &sep, 1);
	}
	strbuf_adds(&sb, name);
	return strbuf_take(&sb, NULL);
}

const char *path_base(const char *path)
{
	const char *base = path;

	for (const char *p = path; *p; p++) {
		if (platform_is_dir_sep(*p))
			base = p + 1;
	}
	return base;
}

char *path_dir(const char *path)
{
	size_t n = (size_t)(path_base(path) - path);
	strbuf sb = {0};

	if (n == 0)
		strbuf_adds(&sb, ".");
	else
		strbuf_add(&sb, path, n == 1 ? 1 : n - 1); /* a root keeps its separator */
	return strbuf_take(&sb, NULL);
}
