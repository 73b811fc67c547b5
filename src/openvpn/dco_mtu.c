/*
 * MTU diagnostics for data channel offload (see dco_mtu.h for the formula).
 */
#include "dco_mtu.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "dco.h"
#include "log.h"

/* IPv4 cannot carry less than 68 bytes unfragmented (RFC 791), so a path
 * MTU below that is a bogus reading; 65535 is the IP length limit for the
 * tun device. The path may report more (loopback has 65536). */
#define MTU_MIN 68
#define MTU_MAX 65535

int dco_mtu_evaluate(int tun_mtu, int path_mtu, int family, bool tcp, const char *cipher,
		     struct dco_mtu_eval *out)
{
	memset(out, 0, sizeof(*out));
	if (family != AF_INET && family != AF_INET6)
		return -EINVAL;
	/* only AEAD ciphers reach the kernel; their overhead does not depend on
	 * the key size, but a CBC cipher would need padding and an HMAC */
	if (dco_cipher_from_name(cipher) == DCO_CIPHER_NONE)
		return -EINVAL;
	if (tun_mtu < MTU_MIN || tun_mtu > MTU_MAX || path_mtu < MTU_MIN)
		return -EINVAL;
	out->ip_hdr = family == AF_INET ? 20 : 40;
	/* over TCP every packet carries a 2-byte length in front of it */
	out->transport_hdr = tcp ? 20 + 2 : 8;
	out->crypto = DCO_MTU_DATA_V2_HDR + DCO_MTU_PACKET_ID + DCO_MTU_AEAD_TAG;
	out->overhead = out->ip_hdr + out->transport_hdr + out->crypto;
	out->outer = tun_mtu + out->overhead;
	out->exceeds = out->outer > path_mtu;
	/* a tun device below 68 is useless for IPv4, so that is "none fits" */
	out->suggested_tun_mtu = path_mtu - out->overhead >= MTU_MIN ? path_mtu - out->overhead : 0;
	return 0;
}

int dco_path_mtu(const struct sockaddr_any *remote, int *mtu)
{
	int fd, ret = 0, v = 0;
	socklen_t len = sizeof(v);
	int level, opt;

	if (!remote || remote->len == 0)
		return -EINVAL;
	if (remote->sa.sa_family == AF_INET) {
		level = IPPROTO_IP;
		opt = IP_MTU;
	} else if (remote->sa.sa_family == AF_INET6) {
		level = IPPROTO_IPV6;
		opt = IPV6_MTU;
	} else {
		return -EAFNOSUPPORT;
	}
	fd = socket(remote->sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return -errno;
	/* connect() on UDP only looks up and caches the route; no packet leaves */
	if (connect(fd, &remote->sa, remote->len) < 0 || getsockopt(fd, level, opt, &v, &len) < 0)
		ret = -errno;
	close(fd);
	if (ret == 0 && v <= 0)
		ret = -EIO;
	if (ret == 0)
		*mtu = v;
	return ret;
}

/* the family of the outer header: a v4-mapped peer on a dual-stack socket
 * is reached over IPv4 */
static int wire_family(const struct sockaddr_any *a)
{
	if (a->sa.sa_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&a->in6.sin6_addr))
		return AF_INET;
	return a->sa.sa_family;
}

bool dco_mtu_module_clamps(const char *path)
{
	char v[8] = "";
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	if (!fgets(v, sizeof(v), f))
		v[0] = '\0';
	fclose(f);
	return v[0] == 'Y' || v[0] == '1';
}

int dco_mtu_warn(const char *who, int tun_mtu, const struct sockaddr_any *remote, bool tcp,
		 const char *cipher, bool *once)
{
	struct dco_mtu_eval e;
	char addr[80];
	int path = 0, ret;
	bool clamps;

	if (tcp || !remote || (once && *once))
		return 0;
	ret = dco_path_mtu(remote, &path);
	if (ret < 0) {
		msg(D_LOW, "%s%sDCO: cannot read the path MTU to the peer: %s", who ? who : "",
		    who && *who ? ": " : "", strerror(-ret));
		return ret;
	}
	ret = dco_mtu_evaluate(tun_mtu, path, wire_family(remote), false, cipher, &e);
	if (ret < 0 || !e.exceeds)
		return ret;
	if (once)
		*once = true;
	addr_to_str(remote, addr, sizeof(addr));
	clamps = dco_mtu_module_clamps(DCO_MTU_CLAMP_SYSFS);
	/* with a clamping module TCP is fine: a note, not a warning */
	msg(clamps ? D_LOW : M_WARN, "%s%sDCO: tun-mtu %d + %d bytes of encapsulation (IPv%c %d + "
	    "UDP %d + DATA_V2 %d + packet-id %d + %s tag %d) = %d exceeds the path MTU %d to %s: %s. "
	    "A tun-mtu of %d or less avoids it",
	    who ? who : "", who && *who ? ": " : "", tun_mtu, e.overhead,
	    e.ip_hdr == 20 ? '4' : '6', e.ip_hdr, e.transport_hdr, DCO_MTU_DATA_V2_HDR,
	    DCO_MTU_PACKET_ID, cipher, DCO_MTU_AEAD_TAG, e.outer, path, addr,
	    clamps ? "the kernel module clamps TCP MSS, so only full-size non-TCP packets "
		     "are fragmented outside the tunnel" :
		     "every full-size packet is fragmented outside the tunnel (the kernel module "
		     "does not clamp TCP MSS as --mssfix would; non-TCP traffic is fragmented with "
		     "any module)", e.suggested_tun_mtu);
	return 1;
}
