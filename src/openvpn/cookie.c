/*
 * Stateless hard-reset cookies (see cookie.h).
 */
#include "cookie.h"

#include <errno.h>
#include <string.h>

#include "crypto.h"

int cookie_init(struct cookie_ctx *c)
{
	uint8_t key[32];
	int ret;

	c->hmac = NULL;
	ret = crypto_rand_bytes(key, sizeof(key));
	if (ret == 0)
		ret = crypto_hmac_new(&c->hmac, "SHA256", key, sizeof(key));
	crypto_wipe(key, sizeof(key));
	return ret;
}

void cookie_free(struct cookie_ctx *c)
{
	if (c->hmac)
		crypto_hmac_free(c->hmac);
	c->hmac = NULL;
}

/* The address as the peer tables see it: v4-mapped counts as IPv4. */
static size_t addr_key(const struct sockaddr_any *a, uint8_t out[19])
{
	if (a->sa.sa_family == AF_INET6 && !addr_is_v4mapped(a)) {
		out[0] = 6;
		memcpy(out + 1, &a->in6.sin6_addr, 16);
		memcpy(out + 17, &a->in6.sin6_port, 2);
		return 19;
	}
	out[0] = 4;
	if (a->sa.sa_family == AF_INET6) {
		memcpy(out + 1, &a->in6.sin6_addr.s6_addr[12], 4);
		memcpy(out + 5, &a->in6.sin6_port, 2);
	} else {
		memcpy(out + 1, &a->in4.sin_addr, 4);
		memcpy(out + 5, &a->in4.sin_port, 2);
	}
	return 7;
}

static int cookie_for_slot(struct cookie_ctx *c, const struct sockaddr_any *from,
			   const uint8_t *sid, uint64_t slot, uint8_t out[RELIABLE_SID_LEN])
{
	uint8_t key[19], mac[64], s[8];
	size_t n = addr_key(from, key);
	int i, ret;

	for (i = 0; i < 8; i++)
		s[i] = (uint8_t)(slot >> (56 - 8 * i));
	ret = crypto_hmac_begin(c->hmac);
	if (ret == 0)
		ret = crypto_hmac_update(c->hmac, key, n);
	if (ret == 0)
		ret = crypto_hmac_update(c->hmac, sid, RELIABLE_SID_LEN);
	if (ret == 0)
		ret = crypto_hmac_update(c->hmac, s, sizeof(s));
	if (ret == 0)
		ret = crypto_hmac_final(c->hmac, mac);
	if (ret < 0)
		return ret;
	memcpy(out, mac, RELIABLE_SID_LEN);
	/* an all-zero session id is malformed on the wire */
	out[0] |= out[0] ? 0 : 1;
	return 0;
}

int cookie_make(struct cookie_ctx *c, const struct sockaddr_any *from,
		const uint8_t client_sid[RELIABLE_SID_LEN], uint64_t now,
		uint8_t out[RELIABLE_SID_LEN])
{
	return cookie_for_slot(c, from, client_sid, now / COOKIE_SLOT_SECS, out);
}

bool cookie_check(struct cookie_ctx *c, const struct sockaddr_any *from,
		  const uint8_t client_sid[RELIABLE_SID_LEN],
		  const uint8_t cookie[RELIABLE_SID_LEN], uint64_t now)
{
	uint64_t slot = now / COOKIE_SLOT_SECS;
	uint8_t want[RELIABLE_SID_LEN];
	int i;

	for (i = 0; i < 2 && slot >= (uint64_t)i; i++) {
		if (cookie_for_slot(c, from, client_sid, slot - (uint64_t)i, want) == 0 &&
		    crypto_memeq(want, cookie, sizeof(want)))
			return true;
	}
	return false;
}
