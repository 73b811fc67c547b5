/*
 * The management interface's input side: bytes as a client sends them go
 * through the line framing (mgmt_linebuf_feed) in chunks, each line into
 * mgmt_handle_line (password, tokenizer, every command) against fake
 * server or P2P callbacks. The output queue must stay within its bound and
 * the input line within MGMT_LINE_MAX; an over-long line or quit ends the
 * session, which starts again on the rest of the input.
 *
 * Input: one selector byte (bit 0: ask for the password "pw"; bit 1:
 * server callbacks, else P2P; bits 4-7: chunk size - 1, for the framing),
 * then the client's bytes.
 */
#include <errno.h>
#include <signal.h>

#include "fuzz_common.h"
#include "management_int.h"

static struct mgmt m;

static char *fake_status(void *ctx, int version)
{
	FUZZ_CHECK(version >= 1 && version <= 3);
	return strdup("TITLE,x\nCLIENT_LIST,a,1.2.3.4:5\nEND\n");
}

static void fake_bytecount(void *ctx)
{
}

static void fake_load(void *ctx, struct mgmt_load *l)
{
	l->nclients = 1;
}

static int fake_kill_cn(void *ctx, const char *cn)
{
	return strcmp(cn, "a") == 0;
}

static int fake_kill_addr(void *ctx, const char *host, const char *port)
{
	FUZZ_CHECK(strlen(port) > 0 && strlen(port) <= 5);
	return strcmp(host, "1.2.3.4") == 0;
}

static const struct mgmt_ops server_ops = {
	.status = fake_status, .bytecount = fake_bytecount, .load_stats = fake_load,
	.kill_cn = fake_kill_cn, .kill_addr = fake_kill_addr,
};
static const struct mgmt_ops p2p_ops = { .status = fake_status };

static int on_line(void *arg, char *line)
{
	FUZZ_CHECK(strlen(line) <= MGMT_LINE_MAX);
	return mgmt_handle_line(arg, line);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* "signal SIGTERM" and friends signal this process */
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	fuzz_log_init();
	FUZZ_CHECK(mgmt_hist_init(&m.log, 8) == 0);
	FUZZ_CHECK(mgmt_hist_init(&m.state, 8) == 0);
	FUZZ_CHECK(mgmt_hist_init(&m.echo, 8) == 0);
	mgmt_hist_add(&m.state, "1,CONNECTED,SUCCESS,10.8.0.1,,,,");
	mgmt_hist_add(&m.log, "1,I,Initialization Sequence Completed");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char pw[] = "pw";
	uint8_t sel;
	size_t chunk, off = 0, n;
	int ret;

	if (size < 1)
		return 0;
	sel = data[0];
	data++;
	size--;
	chunk = (size_t)(sel >> 4) + 1;
	m.password = sel & 1 ? pw : NULL;
	m.ops = sel & 2 ? &server_ops : &p2p_ops;
	m.hold = false;
	mgmt_session_start(&m);
	while (off < size) {
		n = size - off < chunk ? size - off : chunk;
		ret = mgmt_linebuf_feed(&m.in, (const char *)data + off, n, on_line, &m);
		FUZZ_CHECK(m.in.len <= MGMT_LINE_MAX);
		FUZZ_CHECK(m.out.len <= MGMT_OUT_MAX);
		/* what a socket would have written */
		mgmt_outq_consume(&m.out, m.out.len / 2);
		off += n;
		if (ret == 0)
			continue;
		FUZZ_CHECK(ret == -EMSGSIZE || ret == -EPIPE);
		FUZZ_CHECK(ret != -EPIPE || m.closing);
		mgmt_session_end(&m);
		mgmt_session_start(&m);
	}
	mgmt_session_end(&m);
	fuzz_log_init();	/* "verb n" and "mute n" change the level */
	log_set_mute(0);
	return 0;
}
