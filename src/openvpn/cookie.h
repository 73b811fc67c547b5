/*
 * Stateless answers to hard resets (server mode, UDP).
 *
 * A server that kept state for every hard reset could be filled by anyone
 * who sends resets from forged addresses. Instead, the server answers a
 * reset without remembering it: its session id in the answer is a cookie,
 * an HMAC over the client's address and session id and the current time
 * slot, under a key chosen at random at startup. Only a client that really
 * receives the answer can send the next packet, which acknowledges the
 * answer and names the cookie as the server's session id. Then the cookie
 * is checked and the session created, as if it had been there all along.
 */
#ifndef COOKIE_H
#define COOKIE_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "reliable.h"

/* A cookie stays valid for one to two slots. */
#define COOKIE_SLOT_SECS 30

struct crypto_hmac;

struct cookie_ctx {
	struct crypto_hmac *hmac;
};

int cookie_init(struct cookie_ctx *c);
void cookie_free(struct cookie_ctx *c);

/* The cookie for this client address and session id at time now (seconds). */
int cookie_make(struct cookie_ctx *c, const struct sockaddr_any *from,
		const uint8_t client_sid[RELIABLE_SID_LEN], uint64_t now,
		uint8_t out[RELIABLE_SID_LEN]);
/* True when `cookie` was made for this address and session id in the
 * current or the previous slot. */
bool cookie_check(struct cookie_ctx *c, const struct sockaddr_any *from,
		  const uint8_t client_sid[RELIABLE_SID_LEN],
		  const uint8_t cookie[RELIABLE_SID_LEN], uint64_t now);

#endif
