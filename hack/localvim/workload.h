/*
 * The data plane's processes: every Nova server and Kubernetes pod is a
 * child process answering HTTP on the loopback address of its tenant
 * address (a.b.c.d -> 127.b.c.d). By default the child is localvim itself
 * running the built-in web responder ("localvim workload"); an image of
 * the config may name a shell command instead. Children die with us
 * (PR_SET_PDEATHSIG) and are ended by PID.
 */
#ifndef LV_WORKLOAD_H
#define LV_WORKLOAD_H

#include <sys/types.h>

struct localvim;

/* Binds tenant_ip's loopback address:port, then starts the workload of
 * image (NULL = built-in) serving as name. 0 and *ret_pid, or -errno
 * (-EADDRINUSE when the address is taken) with *ret_err (caller frees). */
int workload_spawn(struct localvim *lv, const char *name, const char *tenant_ip,
                   unsigned port, const char *image, pid_t *ret_pid,
                   char **ret_err);

/* fork + exec of argv with keep_fd (if >= 0) as fd 3 and stdout/stderr
 * appended to log (NULL: inherited); the child gets SIGKILL when localvim
 * dies. 0 and *ret_pid, or -errno. */
int workload_exec(char *const argv[], int keep_fd, const char *log,
                  pid_t *ret_pid);

/* "localvim workload --fd N --name NAME --ip ADDR": the built-in web
 * responder. Returns the process exit status. */
int workload_main(int argc, char **argv);

#endif
