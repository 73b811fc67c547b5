/* tun device lifecycle and packet I/O. */
#include "tun.h"

#include <net/if.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/if_tun.h>

#include "log.h"
#include "process.h"

#define TUN_DEFAULT_NODE "/dev/net/tun"

_Static_assert(TUN_IFNAMSIZ == IFNAMSIZ, "TUN_IFNAMSIZ must match IFNAMSIZ");

void tun_init(struct tun *t)
{
	memset(t, 0, sizeof(*t));
	t->fd = -1;
}

bool tun_is_open(const struct tun *t)
{
	return t->fd >= 0;
}

/*
 * The name handed to TUNSETIFF. OpenVPN's rule: --dev equal to the bare
 * type ("tun") means "the next free tunN", anything else is used as is.
 * Only tun is supported; tap and the null device are refused here so the
 * message names the option.
 */
static int tun_request_name(const struct tun_config *cfg, char name[IFNAMSIZ])
{
	const char *dev = cfg->dev ? cfg->dev : "tun";
	const char *type = cfg->dev_type;

	if (!type) {
		if (!strncmp(dev, "tun", 3))
			type = "tun";
		else if (!strncmp(dev, "tap", 3) || !strcmp(dev, "null"))
			type = dev;
		else {
			msg(M_ERR, "Cannot tell the device type of '%s': use --dev-type tun",
			    dev);
			return -EINVAL;
		}
	}
	if (strcmp(type, "tun")) {
		msg(M_ERR, "--dev %s: only tun devices are supported", dev);
		return -EOPNOTSUPP;
	}
	if (!strcmp(dev, "tun"))
		dev = "tun%d";
	if (strlen(dev) >= IFNAMSIZ) {
		msg(M_ERR, "--dev %s: interface names are at most %d characters",
		    dev, IFNAMSIZ - 1);
		return -ENAMETOOLONG;
	}
	strcpy(name, dev);
	return 0;
}

int tun_open(struct tun *t, const struct tun_config *cfg)
{
	const char *node = cfg->dev_node ? cfg->dev_node : TUN_DEFAULT_NODE;
	struct ifreq ifr;
	int fd = -1;
	int err;

	tun_init(t);
	memset(&ifr, 0, sizeof(ifr));
	err = tun_request_name(cfg, ifr.ifr_name);
	if (err)
		return err;
	fd = open(node, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		msg(M_ERR | M_ERRNO, "Cannot open TUN/TAP dev %s", node);
		goto out;
	}
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		err = -errno;
		msg(M_ERR | M_ERRNO, "Cannot create tun interface %s", ifr.ifr_name);
		goto out;
	}
	/* The kernel filled in the real name; re-read the flags to learn
	 * whether we attached to an interface someone made persistent. */
	if (ioctl(fd, TUNGETIFF, &ifr) < 0) {
		err = -errno;
		msg(M_ERR | M_ERRNO, "Cannot query tun interface %s", ifr.ifr_name);
		goto out;
	}
	t->ifindex = (int)if_nametoindex(ifr.ifr_name);
	if (!t->ifindex) {
		err = -errno;
		msg(M_ERR | M_ERRNO, "Cannot find the index of %s", ifr.ifr_name);
		goto out;
	}
	memcpy(t->ifname, ifr.ifr_name, IFNAMSIZ);
	t->ifname[IFNAMSIZ - 1] = '\0';
	t->persistent = ifr.ifr_flags & IFF_PERSIST;
	t->fd = fd;
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	return err;
}

int tun_set_persist(struct tun *t, bool on)
{
	if (!tun_is_open(t))
		return -EBADF;
	if (ioctl(t->fd, TUNSETPERSIST, on ? 1L : 0L) < 0) {
		int err = -errno;

		msg(M_ERR | M_ERRNO, "Cannot set persistence of %s %s",
		    t->ifname, on ? "on" : "off");
		return err;
	}
	t->persistent = on;
	msg(D_NORMAL, "Persist state of %s set to %s", t->ifname, on ? "ON" : "OFF");
	return 0;
}

int tun_set_owner(struct tun *t, const struct process_ids *ids)
{
	int err;

	if (!tun_is_open(t))
		return -EBADF;
	if (ids->have_uid && ioctl(t->fd, TUNSETOWNER, (unsigned long)ids->uid) < 0)
		goto fail;
	if (ids->have_gid && ioctl(t->fd, TUNSETGROUP, (unsigned long)ids->gid) < 0)
		goto fail;
	return 0;
fail:
	err = -errno;
	msg(M_ERR | M_ERRNO, "Cannot set the owner of %s", t->ifname);
	return err;
}

void tun_close(struct tun *t, bool keep_persisted)
{
	if (!tun_is_open(t))
		return;
	if (t->persistent && !keep_persisted)
		tun_set_persist(t, false);
	close(t->fd);
	tun_init(t);
}

ssize_t tun_read(struct tun *t, struct buf *b)
{
	size_t room = buf_tailroom(b);
	ssize_t n;

	n = read(t->fd, buf_tail(b), room);
	if (n < 0)
		return -errno;
	/* One read is one packet; a packet larger than the room would have
	 * been refused by the kernel, so this only guards against misuse. */
	if ((size_t)n > room || !buf_put(b, (size_t)n))
		return -EMSGSIZE;
	return n;
}

int tun_write(struct tun *t, const struct buf *b)
{
	ssize_t n;

	n = write(t->fd, buf_data(b), buf_len(b));
	if (n < 0)
		return -errno;
	/* tun takes a packet whole or not at all. */
	return (size_t)n == buf_len(b) ? 0 : -EIO;
}
