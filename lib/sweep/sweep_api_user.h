/* The API users of the project, made on the manager by the sweep's own
 * binary (packaging/wazuh/api-user.sh is its administrator's entry point):
 * the reporting user (event:ingest) and the sweep's (agent:read, sca:read,
 * active-response:command), each holding one role that holds the policy it
 * needs. A run converges: what exists is found and reused (a policy with
 * the same rule under any name, Wazuh's stock ones included; a role or user
 * of the same name), what is missing is made, and a second run changes
 * nothing. A step that fails undoes what the run made, and the message
 * names the step and the API's own error. --remove takes out what the
 * runs made, never a stock or shared object. */
#ifndef SWEEP_API_USER_H
#define SWEEP_API_USER_H

#include <stdio.h>

/* argv[1] is "--setup-api-user"; the admin's password is one line on
 * standard input. Exit status: 0 done (or nothing to do), 1 a step failed
 * (what this run made undone), 2 a bad command line or input, 128 + the
 * signal when stopped (what this run made undone). */
int sweep_api_user_main(int argc, char **argv, FILE *out, FILE *err);

#endif
