/* Daemon, pid file, chroot and privilege drop. */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "log.h"

int process_daemonize(void)
{
	int fd;

	/* daemon(3) forks and setsid()s; keep the cwd, redirect stdio below. */
	if (daemon(1, 1) < 0)
		return -errno;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	/* stderr stays if it is our log; the caller decides via --log */
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

int process_write_pid(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0)
		return -errno;
	return 0;
}

void process_remove_pid(const char *path)
{
	if (path)
		unlink(path);
}

int process_lookup_ids(const char *user, const char *group, struct process_ids *ids)
{
	memset(ids, 0, sizeof(*ids));
	if (user) {
		struct passwd *pw = getpwnam(user);

		if (!pw) {
			msg(M_ERR, "failed to find UID for user '%s'", user);
			return -ENOENT;
		}
		ids->have_uid = 1;
		ids->uid = pw->pw_uid;
		if (!group) {
			/* like su(1): the user's primary group */
			ids->have_gid = 1;
			ids->gid = pw->pw_gid;
		}
	}
	if (group) {
		struct group *gr = getgrnam(group);

		if (!gr) {
			msg(M_ERR, "failed to find GID for group '%s'", group);
			return -ENOENT;
		}
		ids->have_gid = 1;
		ids->gid = gr->gr_gid;
	}
	return 0;
}

int process_chroot(const char *dir)
{
	if (chroot(dir) < 0 || chdir("/") < 0) {
		msg(M_ERR | M_ERRNO, "chroot to '%s' failed", dir);
		return -errno;
	}
	msg(D_NORMAL, "chroot to '%s' succeeded", dir);
	return 0;
}

/* Set by process_keep_net_admin() before the drop. */
static bool keep_net_admin;

void process_keep_net_admin(bool keep)
{
	keep_net_admin = keep;
}

/* The raw system calls: glibc has no wrapper and libcap is not worth a
 * dependency for two words of bits. Version 3 carries two 32-bit words. */
static int caps_get(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };

	memset(data, 0, 2 * sizeof(*data));
	return syscall(SYS_capget, &hdr, data) < 0 ? -errno : 0;
}

static int caps_set(const struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };

	return syscall(SYS_capset, &hdr, data) < 0 ? -errno : 0;
}

#define NET_ADMIN_BIT (1u << (CAP_NET_ADMIN % 32))
#define NET_ADMIN_WORD (CAP_NET_ADMIN / 32)

bool process_net_admin_permitted(void)
{
	struct __user_cap_data_struct data[2];

	return caps_get(data) == 0 && (data[NET_ADMIN_WORD].permitted & NET_ADMIN_BIT);
}

int process_drop_net_admin_permitted(void)
{
	struct __user_cap_data_struct data[2];
	int ret = caps_get(data);

	if (ret < 0)
		return ret;
	data[NET_ADMIN_WORD].permitted &= ~NET_ADMIN_BIT;
	data[NET_ADMIN_WORD].effective &= ~NET_ADMIN_BIT;
	data[NET_ADMIN_WORD].inheritable &= ~NET_ADMIN_BIT;
	return caps_set(data);
}

/* After setuid() with PR_SET_KEEPCAPS the permitted set survives but the
 * effective set is empty: keep exactly CAP_NET_ADMIN in both. */
static int caps_keep_only_net_admin(void)
{
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[NET_ADMIN_WORD].permitted = NET_ADMIN_BIT;
	data[NET_ADMIN_WORD].effective = NET_ADMIN_BIT;
	return caps_set(data);
}

int process_drop_privileges(const struct process_ids *ids)
{
	bool keep = keep_net_admin && ids->have_uid;
	int ret = 0;

	if (ids->have_gid) {
		gid_t g = ids->gid;

		/* supplementary groups go first: they need the privilege we drop */
		if (setgroups(1, &g) < 0 || setgid(ids->gid) < 0) {
			msg(M_ERR | M_ERRNO, "setgid to %u failed", ids->gid);
			return -errno;
		}
		msg(D_NORMAL, "GID set to %u", ids->gid);
	}
	if (!ids->have_uid)
		return 0;
	/* the kernel module takes keys and peers only from CAP_NET_ADMIN */
	if (keep && prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0) {
		ret = -errno;
		msg(M_ERR | M_ERRNO, "cannot keep capabilities across setuid");
		return ret;
	}
	if (setuid(ids->uid) < 0) {
		ret = -errno;
		msg(M_ERR | M_ERRNO, "setuid to %u failed", ids->uid);
		goto out;
	}
	msg(D_NORMAL, "UID set to %u", ids->uid);
	if (keep) {
		ret = caps_keep_only_net_admin();
		if (ret < 0)
			msg(M_ERR, "cannot retain CAP_NET_ADMIN for data channel offload: %s",
			    strerror(-ret));
		else
			msg(D_NORMAL, "Retaining CAP_NET_ADMIN (and no other capability) for data "
			    "channel offload");
	}
out:
	if (keep)
		prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L);
	return ret;
}

int process_drop_once(const char *user, const char *group, const char *chroot_dir,
		      bool *done)
{
	struct process_ids ids;
	int ret;

	if (*done)
		return 0;
	*done = true;
	ret = process_lookup_ids(user, group, &ids);
	if (ret == 0 && chroot_dir)
		ret = process_chroot(chroot_dir);
	return ret ? ret : process_drop_privileges(&ids);
}

void process_set_nice(int n)
{
	/* nice() returns the new value, which may be -1: check errno */
	errno = 0;
	if (nice(n) == -1 && errno != 0)
		msg(M_WARN | M_ERRNO, "WARNING: nice %d failed", n);
	else
		msg(M_INFO, "nice %d succeeded", n);
}

/* Keys and tunnel data never reach swap. */
void process_lock_memory(void)
{
	if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
		msg(M_WARN | M_ERRNO, "WARNING: mlockall call failed");
}
