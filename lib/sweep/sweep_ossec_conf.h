/* The extra arguments the manager's configuration gives the command the
 * sweep dispatches, read from its ossec.conf as Wazuh 4.x reads them: the
 * <command> blocks among the direct children of every <ossec_config>
 * block (src/config/config.c; several blocks in one file are allowed, any
 * other element at the top is refused), the block whose <executable> is
 * the file dispatched ("!file", compared without regard to ASCII case as
 * Windows names files) or whose <name> followed by a timeout is the
 * command dispatched ("name0"); its last <extra_args>, cut to 2047 bytes
 * and split on spaces as analysisd splits them (src/analysisd/ar_json.c).
 *
 * Read with expat, the file wrapped in a root element of its own so that
 * several top-level blocks parse. Comments are not configuration. '&' is
 * plain text, as Wazuh's reader knows no entities; no DTD is accepted. */
#ifndef SWEEP_OSSEC_CONF_H
#define SWEEP_OSSEC_CONF_H

#include "util/ar_error.h"

#include <stdbool.h>
#include <stddef.h>

#define OSSEC_CONF_DEFAULT   "/var/ossec/etc/ossec.conf"
#define OSSEC_CONF_MAX       (4 * 1024 * 1024)
#define OSSEC_CONF_DEPTH_MAX 256   /* Wazuh's reader stops at 1024 */
#define OSSEC_CONF_FIELD_MAX 20480 /* Wazuh's reader refuses longer content */
#define OSSEC_ARGS_TEXT_MAX  2047  /* analysisd keeps this much of <extra_args> */

typedef struct ossec_args {
	char **v; /* the arguments as the manager sends them with the command */
	size_t n;
	bool found;         /* a <command> block runs the command */
	unsigned long line; /* that block's line (the first, when several agree) */
} ossec_args;

/* Reads text (len bytes, an ossec.conf) for command (as the sweep's
 * configuration names it: "!file" or "name<timeout>"). No <command> block
 * for it is not an error (out->found false, no arguments). Errors (the text
 * is not well-formed XML, an element other than <ossec_config> at the top,
 * blocks for the command that disagree on <extra_args>) say "line N: ". */
ar_status ossec_conf_parse(const char *text, size_t len, const char *command, ossec_args *out,
                           ar_error *err);

/* The file at path (at most OSSEC_CONF_MAX bytes) read as above; every
 * error names the file: "PATH line N: ..." or "PATH: ...". */
ar_status ossec_conf_read(const char *path, const char *command, ossec_args *out, ar_error *err);

void ossec_args_clear(ossec_args *a);

#endif
