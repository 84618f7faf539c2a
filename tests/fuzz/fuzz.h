/* What the harnesses that read a file back share: a folder of their own,
 * made in $TMPDIR on first use (tests/fuzz/run.sh points that at a folder
 * it removes) and emptied at exit, and the input written to a file there
 * as the program would find it. The process ends when either fails: a
 * harness that cannot make its file tests nothing. */
#ifndef FUZZ_H
#define FUZZ_H

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_folder[1024];

static void fuzz_remove_folder(void)
{
	DIR *d = opendir(fuzz_folder);
	struct dirent *e;
	char path[2048];

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			snprintf(path, sizeof(path), "%s/%s", fuzz_folder, e->d_name);
			(void)unlink(path);
		}
	}
	if (d != NULL)
		closedir(d);
	(void)rmdir(fuzz_folder);
}

/* dir/name in buf (the folder is made on the first call). */
static inline const char *fuzz_path(char *buf, size_t len, const char *name)
{
	const char *tmp = getenv("TMPDIR");

	if (fuzz_folder[0] == '\0') {
		snprintf(fuzz_folder, sizeof(fuzz_folder), "%s/fuzz-XXXXXX",
		         tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
		if (mkdtemp(fuzz_folder) == NULL) {
			perror("mkdtemp");
			abort();
		}
		atexit(fuzz_remove_folder);
	}
	if ((size_t)snprintf(buf, len, "%s/%s", fuzz_folder, name) >= len)
		abort();
	return buf;
}

/* Replaces the file's content with the bytes. */
static inline void fuzz_write(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size) || close(fd) != 0) {
		perror(path);
		abort();
	}
}

#endif
