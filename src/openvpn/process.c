/* Daemon, pid file, chroot and privilege drop. */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int process_drop_privileges(const struct process_ids *ids)
{
	if (ids->have_gid) {
		gid_t g = ids->gid;

		/* supplementary groups go first: they need the privilege we drop */
		if (setgroups(1, &g) < 0 || setgid(ids->gid) < 0) {
			msg(M_ERR | M_ERRNO, "setgid to %u failed", ids->gid);
			return -errno;
		}
		msg(D_NORMAL, "GID set to %u", ids->gid);
	}
	if (ids->have_uid) {
		if (setuid(ids->uid) < 0) {
			msg(M_ERR | M_ERRNO, "setuid to %u failed", ids->uid);
			return -errno;
		}
		msg(D_NORMAL, "UID set to %u", ids->uid);
	}
	return 0;
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
