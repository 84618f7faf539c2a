/* Builds without a live registry (every non-Windows one): only the .reg file
 * backend exists there. */
#include "registry/registry.h"

#include <stddef.h>

ar_status registry_open_live(registry **out, ar_error *err)
{
	*out = NULL;
	return ar_error_set(err, AR_E_UNSUPPORTED,
	                    "this build has no live Windows registry; use --registry-file PATH");
}
