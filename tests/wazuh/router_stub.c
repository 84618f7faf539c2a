/* No-op stand-in for the C interface of Wazuh's C++ router
 * (src/shared_modules/router/include/router.h), which does not build
 * against Debian 12's cpp-httplib and flatbuffers. wazuh-db and
 * wazuh-remoted link it; the router only forwards inventory deltas to the
 * manager's C++ modules, which are not on the SCA or active-response path
 * these tests drive. Every call succeeds and does nothing. */
#include <stdbool.h>
#include <stddef.h>

typedef void *router_handle;

int router_initialize(void *log_callback)
{
	(void)log_callback;
	return 0;
}

int router_start(void)
{
	return 0;
}

int router_stop(void)
{
	return 0;
}

router_handle router_provider_create(const char *name, bool is_local)
{
	static int token;

	(void)name;
	(void)is_local;
	/* Not NULL: callers treat NULL as a failure to create. */
	return &token;
}

int router_provider_send(router_handle handle, const char *message, unsigned int size)
{
	(void)handle;
	(void)message;
	(void)size;
	return 0;
}

int router_provider_send_fb(router_handle handle, const char *message, const char *schema)
{
	(void)handle;
	(void)message;
	(void)schema;
	return 0;
}

int router_provider_send_fb_json(router_handle handle, const char *message, const void *agent_ctx,
                                 int schema)
{
	(void)handle;
	(void)message;
	(void)agent_ctx;
	(void)schema;
	return 0;
}

void router_provider_destroy(router_handle handle)
{
	(void)handle;
}

void router_register_api_endpoint(const char *module, const char *socket_path, const char *method,
                                  const char *endpoint, void *pre, void *post)
{
	(void)module;
	(void)socket_path;
	(void)method;
	(void)endpoint;
	(void)pre;
	(void)post;
}

void router_start_api(const char *socket_path)
{
	(void)socket_path;
}

void router_stop_api(const char *socket_path)
{
	(void)socket_path;
}
