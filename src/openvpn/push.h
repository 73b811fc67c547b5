/*
 * PUSH_REPLY: a client gathers the parts of its server's reply and applies
 * the options in it to its own copy of the options; a server builds its
 * reply in parts that each fit one control message.
 */
#ifndef PUSH_H
#define PUSH_H

#include <stdbool.h>
#include <stddef.h>

struct options;

/* The whole option list of one reply, all parts together, with its NUL. */
#define PUSH_TEXT_MAX 16384
/* One PUSH_REPLY control message with its NUL: 2.6's PUSH_BUNDLE_SIZE. */
#define PUSH_MSG_MAX 1024

/* One reply being received. After 1 from push_accum_add() it holds the
 * complete list: call push_accum_init() before gathering the next reply. */
struct push_accum {
	char text[PUSH_TEXT_MAX];  /* "opt1,opt2,...", NUL-terminated */
	size_t len;                /* strlen(text) */
	int parts;                 /* messages taken so far */
};

void push_accum_init(struct push_accum *a);

/*
 * Take one received control message that starts with "PUSH_REPLY" (no NUL
 * inside, no terminator). Returns 1 when the reply is complete (no
 * push-continuation item, or push-continuation 1), 0 when more parts are to
 * come (push-continuation 2), -EBADMSG when it is malformed (not a
 * PUSH_REPLY, a control character, a continuation item other than 1 or 2),
 * -E2BIG when the list would not fit PUSH_TEXT_MAX. On error the
 * accumulator is reset. a->text then holds the options of all parts
 * (comma-separated, without "PUSH_REPLY" and the push-continuation items).
 * Empty items are dropped: a 2.6 server sends them for push "", and its
 * clients take the rest of such a reply.
 */
int push_accum_add(struct push_accum *a, const char *msg);

/*
 * Apply a complete option list (push_accum.text) to o, the caller's copy of
 * its options: first o's --pull-filter list (first match wins, the filter
 * text is a prefix of the option), then --route-nopull (drops pushed
 * routes, redirect-gateway, dhcp-option and dns, as 2.6), then each option
 * goes through the option table in push context. An option that may not be
 * pushed, is unknown or invalid is reported (verb 1, as 2.6) and skipped;
 * filtered ones are logged at verb 3 (removed) or 4 (accepted). Pushed
 * routes add to the configured ones; single values (ifconfig, topology,
 * ping, ...) replace them.
 *
 * Returns the number of options applied; -EINVAL when a 'reject' filter
 * matched or the result cannot work (compression 2.6 would refuse,
 * addresses that do not fit the topology; reported), after which 2.6
 * restarts the connection and o should be discarded; -ENOMEM.
 */
int push_apply(struct options *o, const char *list);

/*
 * Server side: pack options[0..n) into PUSH_REPLY messages of at most
 * PUSH_MSG_MAX bytes each, NUL included, in order, never splitting an
 * option. One message when everything fits; otherwise every message ends
 * with ",push-continuation 2" except the last, which ends with
 * ",push-continuation 1". Returns the number of messages, -E2BIG when an
 * option is too long for a message, -EINVAL for an empty option or one
 * with a comma or control character, -ENOSPC when more than max_msgs
 * messages are needed.
 */
int push_build_replies(const char *const *options, size_t n,
		       char out[][PUSH_MSG_MAX], size_t max_msgs);

/* The client's request for its options ("PUSH_REQUEST"). */
bool push_is_request(const char *msg);

#endif
