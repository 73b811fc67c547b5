/* Process-level setup: daemonizing, pid file, chroot, privilege drop. */
#ifndef PROCESS_H
#define PROCESS_H

#include <stdbool.h>

/* Detach from the terminal (--daemon). Returns 0 or -errno. */
int process_daemonize(void);
/* --nice n and --mlock: failures only warn, as in 2.6. */
void process_set_nice(int n);
void process_lock_memory(void);
/* Write our pid to path (--writepid). */
int process_write_pid(const char *path);
void process_remove_pid(const char *path);
/* Resolve --user/--group before chroot (the databases may not exist inside). */
struct process_ids {
	int have_uid, have_gid;
	unsigned int uid, gid;
};
int process_lookup_ids(const char *user, const char *group, struct process_ids *ids);
int process_chroot(const char *dir);
/* setgroups/setgid/setuid, in the order that leaves no privilege behind. */
int process_drop_privileges(const struct process_ids *ids);
/*
 * With data channel offload the daemon must keep talking to the kernel
 * module after --user: keep CAP_NET_ADMIN (only that) across the drop, as
 * OpenVPN 2.6 does. Set before process_drop_privileges().
 */
void process_keep_net_admin(bool keep);
/* Whether this process may keep CAP_NET_ADMIN (it is in the permitted set). */
bool process_net_admin_permitted(void);
/* Remove CAP_NET_ADMIN from this process for good (tests). 0 or -errno. */
int process_drop_net_admin_permitted(void);
/* --user/--group/--chroot once per process: look up, chroot, drop. *done
 * is set first, so a failure is not retried on a restart. 0 or -errno. */
int process_drop_once(const char *user, const char *group, const char *chroot_dir,
		      bool *done);

#endif
