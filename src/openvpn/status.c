/* The server --status file; formats in status.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "status.h"
#include "log.h"

/* snprintf-style appender: counts what it could not store, so the caller
 * learns the size it needs. */
struct out {
	char *buf;
	size_t len;
	size_t pos;
};

static void out_putc(struct out *o, char c)
{
	if (o->pos + 1 < o->len)
		o->buf[o->pos] = c;
	o->pos++;
}

static void out_str(struct out *o, const char *s)
{
	for (; *s; s++)
		out_putc(o, *s);
}

/* A field as given; control characters would split a line or, in v3, a
 * column, so they become '_' as 2.6's TLS layer maps them in names. */
static void out_field(struct out *o, const char *s)
{
	for (; s && *s; s++)
		out_putc(o, (unsigned char)*s < 0x20 || *s == 0x7f ? '_' : *s);
}

static void out_sep(struct out *o, char sep)
{
	out_putc(o, sep);
}

static void out_u64(struct out *o, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	out_str(o, num);
}

static void out_time_t(struct out *o, time_t t)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", (long long)t);
	out_str(o, num);
}

/* 2.6 prints local time, e.g. "2026-11-30 04:13:24". */
static void out_time(struct out *o, time_t t)
{
	char tmp[32];
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(tmp, sizeof(tmp), "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(tmp, sizeof(tmp), "%lld", (long long)t);
	out_str(o, tmp);
}

static void out_v4(struct out *o, bool has, const struct in_addr *a)
{
	char tmp[INET_ADDRSTRLEN];

	if (has && inet_ntop(AF_INET, a, tmp, sizeof(tmp)))
		out_str(o, tmp);
}

static void out_v6(struct out *o, bool has, const struct in6_addr *a)
{
	char tmp[INET6_ADDRSTRLEN];

	if (has && inet_ntop(AF_INET6, a, tmp, sizeof(tmp)))
		out_str(o, tmp);
}

static const char *undef(const char *s)
{
	return s ? s : "UNDEF";
}

static void out_virt(struct out *o, const struct status_route *r)
{
	out_field(o, r->virt);
	if (r->cached)
		out_putc(o, 'C');
}

static void print_v1(struct out *o, const struct status_server *s)
{
	out_str(o, "OpenVPN CLIENT LIST\nUpdated,");
	out_time(o, s->now);
	out_str(o, "\nCommon Name,Real Address,Bytes Received,Bytes Sent,Connected Since\n");
	for (size_t i = 0; i < s->n_clients; i++) {
		const struct status_client *c = &s->clients[i];

		out_field(o, undef(c->common_name));
		out_sep(o, ',');
		out_field(o, c->real_addr);
		out_sep(o, ',');
		out_u64(o, c->bytes_in);
		out_sep(o, ',');
		out_u64(o, c->bytes_out);
		out_sep(o, ',');
		out_time(o, c->connected_since);
		out_putc(o, '\n');
	}
	out_str(o, "ROUTING TABLE\nVirtual Address,Common Name,Real Address,Last Ref\n");
	for (size_t i = 0; i < s->n_routes; i++) {
		const struct status_route *r = &s->routes[i];

		out_virt(o, r);
		out_sep(o, ',');
		out_field(o, undef(r->common_name));
		out_sep(o, ',');
		out_field(o, r->real_addr);
		out_sep(o, ',');
		out_time(o, r->last_ref);
		out_putc(o, '\n');
	}
	out_str(o, "GLOBAL STATS\nMax bcast/mcast queue length,");
	out_u64(o, s->max_bcast_mcast_queue_len);
	out_str(o, "\nEND\n");
}

/* A line of fixed words joined by sep. */
static void out_words(struct out *o, char sep, const char *const *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			out_sep(o, sep);
		out_str(o, w[i]);
	}
	out_putc(o, '\n');
}

static const char *const client_header[] = {
	"HEADER", "CLIENT_LIST", "Common Name", "Real Address", "Virtual Address",
	"Virtual IPv6 Address", "Bytes Received", "Bytes Sent", "Connected Since",
	"Connected Since (time_t)", "Username", "Client ID", "Peer ID",
	"Data Channel Cipher",
};

static const char *const route_header[] = {
	"HEADER", "ROUTING_TABLE", "Virtual Address", "Common Name", "Real Address",
	"Last Ref", "Last Ref (time_t)",
};

static void print_client_v23(struct out *o, char sep, const struct status_client *c)
{
	out_str(o, "CLIENT_LIST");
	out_sep(o, sep);
	out_field(o, undef(c->common_name));
	out_sep(o, sep);
	out_field(o, c->real_addr);
	out_sep(o, sep);
	out_v4(o, c->has_v4, &c->v4);
	out_sep(o, sep);
	out_v6(o, c->has_v6, &c->v6);
	out_sep(o, sep);
	out_u64(o, c->bytes_in);
	out_sep(o, sep);
	out_u64(o, c->bytes_out);
	out_sep(o, sep);
	out_time(o, c->connected_since);
	out_sep(o, sep);
	out_time_t(o, c->connected_since);
	out_sep(o, sep);
	out_field(o, undef(c->username));
	out_sep(o, sep);
	out_u64(o, c->client_id);
	out_sep(o, sep);
	out_u64(o, c->peer_id);
	out_sep(o, sep);
	out_field(o, c->cipher);
	out_putc(o, '\n');
}

static void print_route_v23(struct out *o, char sep, const struct status_route *r)
{
	out_str(o, "ROUTING_TABLE");
	out_sep(o, sep);
	out_virt(o, r);
	out_sep(o, sep);
	out_field(o, undef(r->common_name));
	out_sep(o, sep);
	out_field(o, r->real_addr);
	out_sep(o, sep);
	out_time(o, r->last_ref);
	out_sep(o, sep);
	out_time_t(o, r->last_ref);
	out_putc(o, '\n');
}

static void print_v23(struct out *o, const struct status_server *s, char sep)
{
	out_str(o, "TITLE");
	out_sep(o, sep);
	out_field(o, s->title);
	out_str(o, "\nTIME");
	out_sep(o, sep);
	out_time(o, s->now);
	out_sep(o, sep);
	out_time_t(o, s->now);
	out_putc(o, '\n');
	out_words(o, sep, client_header, sizeof(client_header) / sizeof(client_header[0]));
	for (size_t i = 0; i < s->n_clients; i++)
		print_client_v23(o, sep, &s->clients[i]);
	out_words(o, sep, route_header, sizeof(route_header) / sizeof(route_header[0]));
	for (size_t i = 0; i < s->n_routes; i++)
		print_route_v23(o, sep, &s->routes[i]);
	out_str(o, "GLOBAL_STATS");
	out_sep(o, sep);
	out_str(o, "Max bcast/mcast queue length");
	out_sep(o, sep);
	out_u64(o, s->max_bcast_mcast_queue_len);
	out_str(o, "\nGLOBAL_STATS");
	out_sep(o, sep);
	out_str(o, "dco_enabled");
	out_sep(o, sep);
	out_putc(o, s->dco_enabled ? '1' : '0');
	out_str(o, "\nEND\n");
}

int status_format(const struct status_server *s, int version, char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len };

	if (version < 1 || version > 3)
		return -EINVAL;
	if (version == 1)
		print_v1(&o, s);
	else
		print_v23(&o, s, version == 3 ? '\t' : ',');
	if (len)
		buf[o.pos < len ? o.pos : len - 1] = '\0';
	return o.pos > INT32_MAX ? -EOVERFLOW : (int)o.pos;
}

int status_render(const struct status_server *s, int version, char **text, size_t *len)
{
	int n = status_format(s, version, NULL, 0);

	if (n < 0)
		return n;
	*text = malloc((size_t)n + 1);
	if (!*text)
		return -ENOMEM;
	status_format(s, version, *text, (size_t)n + 1);
	*len = (size_t)n;
	return 0;
}

int status_print(const struct status_server *s, int version, FILE *f)
{
	char *text;
	size_t len;
	int ret = status_render(s, version, &text, &len);

	if (ret < 0)
		return ret;
	if (fwrite(text, 1, len, f) != len || fflush(f) != 0)
		ret = -EIO;
	free(text);
	return ret;
}

const char *status_real_addr(const struct sockaddr_any *a, char *buf, size_t len)
{
	struct sockaddr_any u = *a;
	char host[INET6_ADDRSTRLEN];

	addr_unmap(&u);
	addr_host_to_str(&u, host, sizeof(host));
	if (addr_family(&u) == AF_INET)
		snprintf(buf, len, "%s:%u", host, (unsigned)addr_port(&u));
	else
		snprintf(buf, len, "%s", host);
	return buf;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int status_write_atomic(const char *path, const char *data, size_t len)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + sizeof(".XXXXXX"));
	int fd, ret;

	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".XXXXXX", sizeof(".XXXXXX"));
	fd = mkstemp(tmp);    /* mode 0600 */
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	ret = write_all(fd, data, len);
	if (close(fd) != 0 && ret == 0)
		ret = -errno;
	/* No fsync: the file is rewritten every few seconds and only ever
	 * describes the present; rename alone keeps readers consistent. */
	if (ret == 0 && rename(tmp, path) != 0)
		ret = -errno;
	if (ret < 0)
		unlink(tmp);
out:
	if (ret < 0)
		msg(M_ERR, "cannot write status file %s: %s", path, strerror(-ret));
	free(tmp);
	return ret;
}

int status_write_file(const struct status_server *s, int version, const char *path)
{
	char *text;
	size_t len;
	int ret = status_render(s, version, &text, &len);

	if (ret < 0)
		return ret;
	ret = status_write_atomic(path, text, len);
	free(text);
	return ret;
}

int status_format_p2p(const struct status_p2p *s, char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len };

	out_str(&o, "OpenVPN STATISTICS\nUpdated,");
	out_time(&o, s->now);
	out_str(&o, "\nTUN/TAP read bytes,");
	out_u64(&o, s->tun_read_bytes);
	out_str(&o, "\nTUN/TAP write bytes,");
	out_u64(&o, s->tun_write_bytes);
	out_str(&o, "\nTCP/UDP read bytes,");
	out_u64(&o, s->link_read_bytes);
	out_str(&o, "\nTCP/UDP write bytes,");
	out_u64(&o, s->link_write_bytes);
	out_str(&o, "\nAuth read bytes,");
	out_u64(&o, s->auth_read_bytes);
	out_str(&o, "\nEND\n");
	if (len)
		buf[o.pos < len ? o.pos : len - 1] = '\0';
	return o.pos > INT32_MAX ? -EOVERFLOW : (int)o.pos;
}
