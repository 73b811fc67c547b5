/*
 * PUSH_REPLY handling. A reply is "PUSH_REPLY" followed by ",option" items;
 * a long one comes in several messages chained by push-continuation items.
 * The client gathers them (push_accum_*), then filters and applies the
 * options (push_apply) through the option table, so a pushed option is
 * checked exactly like a config line, in push context.
 */
#include "push.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "options.h"

#define REPLY_HEAD "PUSH_REPLY"
#define REPLY_HEAD_LEN (sizeof(REPLY_HEAD) - 1)
#define CONT_WORD "push-continuation"
#define CONT_WORD_LEN (sizeof(CONT_WORD) - 1)
/* Both suffixes have the same length, so either fits the same space. */
#define CONT_MORE ",push-continuation 2"
#define CONT_LAST ",push-continuation 1"
#define CONT_SUFFIX_LEN (sizeof(CONT_MORE) - 1)

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Control characters never belong in a control message (2.6 drops such
 * messages); a newline would let one item carry a second option. */
static bool has_control(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

/* ---- client: gathering the parts ------------------------------------------ */

void push_accum_init(struct push_accum *a)
{
	a->text[0] = '\0';
	a->len = 0;
	a->parts = 0;
}

static bool is_blank_item(const char *s, size_t len)
{
	while (len > 0 && is_space(*s)) {
		s++;
		len--;
	}
	return len == 0;
}

/*
 * Is this item "push-continuation N"? Returns 0 if not, 1 or 2 for its
 * value, -EBADMSG for another value.
 */
static int continuation_value(const char *s, size_t len)
{
	while (len > 0 && is_space(*s)) {
		s++;
		len--;
	}
	while (len > 0 && is_space(s[len - 1]))
		len--;
	if (len < CONT_WORD_LEN || memcmp(s, CONT_WORD, CONT_WORD_LEN) != 0)
		return 0;
	if (len > CONT_WORD_LEN && !is_space(s[CONT_WORD_LEN]))
		return 0;	/* another option that starts alike */
	s += CONT_WORD_LEN;
	len -= CONT_WORD_LEN;
	while (len > 0 && is_space(*s)) {
		s++;
		len--;
	}
	if (len == 1 && (s[0] == '1' || s[0] == '2'))
		return s[0] - '0';
	return -EBADMSG;
}

static int accum_item(struct push_accum *a, const char *s, size_t len)
{
	size_t need = len + (a->len ? 1 : 0);

	if (a->len + need >= sizeof(a->text))
		return -E2BIG;
	if (a->len)
		a->text[a->len++] = ',';
	memcpy(a->text + a->len, s, len);
	a->len += len;
	a->text[a->len] = '\0';
	return 0;
}

/* Walk the ",item" list after the head; the last continuation item wins,
 * as in 2.6, wherever it stands. */
static int accum_items(struct push_accum *a, const char *p, int *cont)
{
	const char *end;
	size_t len;
	int v, ret;

	while (*p == ',') {
		p++;
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		v = continuation_value(p, len);
		if (v < 0)
			return v;
		if (v > 0) {
			*cont = v;
		} else if (!is_blank_item(p, len)) {
			ret = accum_item(a, p, len);
			if (ret < 0)
				return ret;
		}
		p += len;
	}
	return 0;
}

int push_accum_add(struct push_accum *a, const char *msg)
{
	const char *p = msg + REPLY_HEAD_LEN;
	int cont = 0, ret;

	if (strncmp(msg, REPLY_HEAD, REPLY_HEAD_LEN) != 0 ||
	    (*p != '\0' && *p != ',') || has_control(msg, strlen(msg))) {
		ret = -EBADMSG;
		goto fail;
	}
	ret = accum_items(a, p, &cont);
	if (ret < 0)
		goto fail;
	a->parts++;
	return cont == 2 ? 0 : 1;
fail:
	push_accum_init(a);
	return ret;
}

/* ---- client: applying the options ---------------------------------------- */

/* The option's name, for --route-nopull and for log lines. */
static void option_name(const char *item, char *name, size_t cap)
{
	size_t n = 0;

	if (strncmp(item, "--", 2) == 0)
		item += 2;
	while (item[n] && !is_space(item[n]) && n + 1 < cap) {
		name[n] = item[n];
		n++;
	}
	name[n] = '\0';
}

/* The token is a credential: log only that one came. */
static const char *loggable(const char *item, const char *name)
{
	return strncmp(name, "auth-token", 10) == 0 ? "auth-token [redacted]" : item;
}

/* Returns 1 to apply the option, 0 to skip it, -EINVAL to reject the reply. */
static int pull_filter(const struct options *o, const char *item,
		       const char *name)
{
	const struct pull_filter *f;
	int i;

	for (i = 0; i < o->n_pull_filters; i++) {
		f = &o->pull_filters[i];
		if (strncmp(item, f->text, strlen(f->text)) != 0)
			continue;
		switch (f->action) {
		case PULL_FILTER_ACCEPT:
			msg(D_OPTIONS, "Pushed option accepted by filter: '%s'",
			    loggable(item, name));
			return 1;
		case PULL_FILTER_IGNORE:
			msg(D_NORMAL, "Pushed option removed by filter: '%s'",
			    loggable(item, name));
			return 0;
		case PULL_FILTER_REJECT:
			msg(M_WARN, "Pushed option rejected by filter: '%s'",
			    loggable(item, name));
			return -EINVAL;
		}
	}
	return 1;
}

/* Returns 1 when applied, 0 when left out, or a negative errno. */
static int apply_item(struct options *o, const char *item, int index)
{
	const struct option_def *d;
	char name[64];
	int ret;

	option_name(item, name, sizeof(name));
	ret = pull_filter(o, item, name);
	if (ret <= 0)
		return ret;
	d = option_table_lookup(name);
	if (o->route_nopull && d && (d->flags & OPT_F_ROUTE)) {
		msg(D_NORMAL, "Pushed option ignored (--route-nopull): '%s'",
		    loggable(item, name));
		return 0;
	}
	ret = options_parse_pushed(o, item, index);
	if (ret == -ENOMEM)
		return ret;
	return ret == 0 ? 1 : 0;
}

/* The next item of list into a fresh string; NULL at the end. */
static char *next_item(const char **list, int *err)
{
	const char *p = *list, *end;
	size_t len;
	char *item;

	if (!p)
		return NULL;
	end = strchr(p, ',');
	len = end ? (size_t)(end - p) : strlen(p);
	*list = end ? end + 1 : NULL;
	item = strndup(p, len);
	if (!item)
		*err = -ENOMEM;
	return item;
}

int push_apply(struct options *o, const char *list)
{
	const char *s;
	char *item;
	int applied = 0, index = 0, err = 0, ret;

	while (!err && (item = next_item(&list, &err)) != NULL) {
		index++;
		/* Leading blanks do not count for the filters, as in 2.6. */
		for (s = item; is_space(*s); s++)
			;
		if (*s == '\0') {
			ret = 0;
		} else if (has_control(s, strlen(s))) {
			msg(M_WARN, "%s:%d: pushed option with a control character skipped",
			    OPTIONS_PUSH_NAME, index);
			ret = 0;
		} else {
			ret = apply_item(o, s, index);
		}
		free(item);
		if (ret < 0)
			return ret;
		applied += ret;
	}
	if (err)
		return err;
	if (options_check_pushed(o) < 0)
		return -EINVAL;
	return applied;
}

/* ---- server: building the reply ------------------------------------------ */

static int check_option(const char *opt)
{
	size_t len = strlen(opt);

	if (len == 0 || strchr(opt, ',') || has_control(opt, len))
		return -EINVAL;
	return 0;
}

static size_t msg_append(char *m, size_t len, const char *s)
{
	size_t n = strlen(s);

	memcpy(m + len, s, n + 1);
	return len + n;
}

/* One message of a split reply: as many options from *i as fit with room
 * left for the continuation item. */
static int build_part(const char *const *options, size_t n, size_t *i,
		      char *m)
{
	const size_t cap = PUSH_MSG_MAX - 1;
	size_t len = msg_append(m, 0, REPLY_HEAD), first = *i;

	while (*i < n && len + 1 + strlen(options[*i]) + CONT_SUFFIX_LEN <= cap) {
		len = msg_append(m, len, ",");
		len = msg_append(m, len, options[*i]);
		(*i)++;
	}
	if (*i == first)
		return -E2BIG;
	msg_append(m, len, *i < n ? CONT_MORE : CONT_LAST);
	return 0;
}

int push_build_replies(const char *const *options, size_t n,
		       char out[][PUSH_MSG_MAX], size_t max_msgs)
{
	size_t total = REPLY_HEAD_LEN, i, msgs = 0, len;
	int ret;

	for (i = 0; i < n; i++) {
		if (check_option(options[i]) < 0)
			return -EINVAL;
		total += 1 + strlen(options[i]);
	}
	if (max_msgs == 0)
		return -ENOSPC;
	if (total < PUSH_MSG_MAX) {
		len = msg_append(out[0], 0, REPLY_HEAD);
		for (i = 0; i < n; i++) {
			len = msg_append(out[0], len, ",");
			len = msg_append(out[0], len, options[i]);
		}
		return 1;
	}
	for (i = 0; i < n; msgs++) {
		if (msgs == max_msgs)
			return -ENOSPC;
		ret = build_part(options, n, &i, out[msgs]);
		if (ret < 0)
			return ret;
	}
	return (int)msgs;
}

bool push_is_request(const char *msg)
{
	return strcmp(msg, "PUSH_REQUEST") == 0;
}
