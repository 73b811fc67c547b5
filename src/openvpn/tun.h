/*
 * The tun device: open, read and write raw IP packets, close.
 *
 * Like OpenVPN 2.6 on Linux, the device is IFF_TUN | IFF_NO_PI: each read
 * or write is exactly one IPv4 or IPv6 packet with no packet-info header.
 *
 * --persist-tun across a soft restart means: keep this struct (and its
 * open fd) alive and do not call tun_open()/tun_close() again. The
 * kernel-level persistence flag (TUNSETPERSIST, as --mktun sets it) is
 * separate: it keeps the interface after the last fd closes.
 */
#ifndef TUN_H
#define TUN_H

#include <stdbool.h>
#include <sys/types.h>

#include "buf.h"

#define TUN_IFNAMSIZ 16   /* IFNAMSIZ, without pulling in <net/if.h> */

struct tun_config {
	const char *dev;       /* --dev: "tun" lets the kernel pick tunN */
	const char *dev_type;  /* --dev-type; NULL: derived from dev */
	const char *dev_node;  /* --dev-node; NULL: /dev/net/tun */
};

struct tun {
	int fd;                      /* -1 when closed */
	int ifindex;
	char ifname[TUN_IFNAMSIZ];
	bool persistent;             /* the interface has IFF_PERSIST */
};

/* Set to the closed state; safe to tun_close() afterwards. */
void tun_init(struct tun *t);

/*
 * Create (or attach to an existing persistent) tun interface. The fd is
 * nonblocking and close-on-exec. t is initialised here and must not be
 * open. Failures are logged with the reason; t is then left closed.
 * Success is not logged: the caller prints "TUN/TAP device X opened".
 */
int tun_open(struct tun *t, const struct tun_config *cfg);

bool tun_is_open(const struct tun *t);

/* TUNSETPERSIST: keep the interface after the fd is closed (or not). */
int tun_set_persist(struct tun *t, bool on);

/* TUNSETOWNER/TUNSETGROUP (--mktun with --user/--group): who may attach. */
struct process_ids;
int tun_set_owner(struct tun *t, const struct process_ids *ids);

/*
 * Close the fd. An interface with IFF_PERSIST (--mktun, ip tuntap add)
 * stays when keep_persisted is true, as OpenVPN leaves it; with false
 * (--rmtun) persistence is cleared first so it goes away with the fd.
 */
void tun_close(struct tun *t, bool keep_persisted);

/*
 * Read one packet into the tail of b (callers reset b with headroom first)
 * and grow its data window by the packet length. Returns the length, or
 * -EAGAIN when none is pending, or another negative errno.
 */
ssize_t tun_read(struct tun *t, struct buf *b);

/* Write the data window of b as one packet. Returns 0 or a negative errno. */
int tun_write(struct tun *t, const struct buf *b);

#endif
