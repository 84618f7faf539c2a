#include "ar_channel.h"

#include "util/json_strict.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

ar_status ar_channel_read_line(FILE *in, size_t cap, char **line, size_t *len, bool *eof,
                               ar_error *err)
{
	size_t n = 0, size = 0;
	char *buf = NULL;
	ar_status st = AR_OK;
	int c;

	*line = NULL;
	*len = 0;
	*eof = false;
	while ((c = getc(in)) != EOF && c != '\n') {
		if (n >= cap) {
			st = ar_error_set(err, AR_E_TOO_LARGE,
			                  "input line is larger than %zu bytes", cap);
			goto out;
		}
		if (n + 1 >= size) {
			size_t ns = size ? size * 2 : 4096;
			char *nb = realloc(buf, ns);
			if (nb == NULL) {
				st = ar_error_set(err, AR_E_NOMEM, "out of memory reading input");
				goto out;
			}
			buf = nb;
			size = ns;
		}
		buf[n++] = (char)c;
	}
	if (ferror(in)) {
		st = ar_error_set(err, AR_E_IO, "cannot read standard input");
		goto out;
	}
	if (c == EOF && n == 0) {
		*eof = true;
		goto out;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (buf == NULL && (buf = malloc(1)) == NULL) {
		st = ar_error_set(err, AR_E_NOMEM, "out of memory reading input");
		goto out;
	}
	buf[n] = '\0';
	*line = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	return st;
}

static char *check_keys_line(const char *program, const char *const *keys, size_t nkeys)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *origin, *params, *arr;
	char *text = NULL;

	/* cJSON keeps insertion order: the order Wazuh's own programs write. */
	cJSON_AddNumberToObject(root, "version", 1);
	origin = cJSON_AddObjectToObject(root, "origin");
	cJSON_AddStringToObject(origin, "name", program);
	cJSON_AddStringToObject(origin, "module", "active-response");
	cJSON_AddStringToObject(root, "command", "check_keys");
	params = cJSON_AddObjectToObject(root, "parameters");
	arr = cJSON_AddArrayToObject(params, "keys");
	for (size_t i = 0; i < nkeys && arr != NULL; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(keys[i]));
	if (origin != NULL && arr != NULL)
		text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

static ar_status parse_reply(const char *line, size_t len, ar_reply *reply, ar_error *err)
{
	cJSON *msg = NULL;
	const char *cmd;
	ar_status st;

	if (strcmp(line, "continue") == 0 || strcmp(line, "abort") == 0) {
		*reply = (line[0] == 'c') ? AR_REPLY_CONTINUE : AR_REPLY_ABORT;
		return AR_OK;
	}
	st = json_parse_strict(line, len, &msg, err);
	if (st != AR_OK)
		return ar_error_prefix(err, st, "reply to check_keys");
	cmd = json_get_string(msg, "command");
	if (cmd != NULL && strcmp(cmd, "continue") == 0)
		*reply = AR_REPLY_CONTINUE;
	else if (cmd != NULL && strcmp(cmd, "abort") == 0)
		*reply = AR_REPLY_ABORT;
	else
		st = ar_error_set(err, AR_E_INVALID,
		                  "reply to check_keys: command must be \"continue\" or \"abort\"");
	cJSON_Delete(msg);
	return st;
}

ar_status ar_channel_check_keys(FILE *in, FILE *out, const char *program, const char *const *keys,
                                size_t nkeys, ar_reply *reply, ar_error *err)
{
	char *text = check_keys_line(program, keys, nkeys);
	char *line = NULL;
	size_t len = 0;
	bool eof = false;
	ar_status st = AR_OK;

	*reply = AR_REPLY_CONTINUE;
	if (text == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	if (fprintf(out, "%s\n", text) < 0 || fflush(out) != 0) {
		/* Nobody is listening (a person piping a file into us): go on. */
		clearerr(out);
	}
	free(text);
	st = ar_channel_read_line(in, AR_MESSAGE_MAX, &line, &len, &eof, err);
	if (st == AR_OK && !eof)
		st = parse_reply(line, len, reply, err);
	free(line);
	return st;
}
