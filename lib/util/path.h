/* Paths as text: joining and taking apart, with the separators of the
 * system the program runs on (the platform layer says which they are). */
#ifndef PATH_H
#define PATH_H

/* dir, the separator, name ("/a" + "b" = "/a/b"; no second separator after
 * a dir that ends with one). Caller frees; NULL on no memory. */
char *path_join(const char *dir, const char *name);

/* The folder part of a path: "." when it has none, the root itself when
 * that is all ("/x" gives "/", "C:\\x" gives "C:"). Caller frees; NULL on
 * no memory. */
char *path_dir(const char *path);

/* The last component: what follows the last separator (all of path when
 * there is none). Points into path. */
const char *path_base(const char *path);

#endif
