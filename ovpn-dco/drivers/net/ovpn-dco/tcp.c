// SPDX-License-Identifier: GPL-2.0-only
/*
 * TCP transport. A connected TCP socket handed over at NEW_PEER carries
 * the records of exactly one peer: a 2-byte big-endian length, then the
 * packet. A stream parser splits the incoming bytes into records;
 * DATA_V2 records are decrypted here, every other record is kept, prefix
 * included, in a queue that the socket's recvmsg now reads, so the
 * daemon keeps de-framing its control channel from the same descriptor;
 * poll follows that queue.
 *
 * Sending: encrypted packets get their prefix and wait in a queue, and
 * whatever the daemon writes on the socket is queued too instead of
 * going to TCP directly. One worker moves both queues into the socket
 * with non-blocking sends. It follows the record boundaries of the
 * daemon's byte stream and starts one of our records only between two
 * of the daemon's, so the two sources never interleave on the wire.
 */

#include <linux/net.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/workqueue.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/strparser.h>
#include <net/tcp.h>

#include <uapi/linux/ovpn_dco.h>

#include "io.h"
#include "ovpn.h"
#include "peer.h"
#include "proto.h"
#include "stats.h"
#include "tcp.h"

#define OVPN_TCP_PREFIX		2
/* records waiting in either direction, per queue */
#define OVPN_TCP_QUEUE_MAX	1024
/* largest chunk one userspace write is queued as */
#define OVPN_TCP_USER_CHUNK	(64 * 1024)

struct ovpn_tcp {
	struct ovpn_peer *peer;		/* owns us; valid until detach */
	struct socket *sock;
	struct strparser strp;
	refcount_t refs;
	bool dead;			/* detached; under the socket lock */

	/* control records for userspace, each with its prefix */
	struct mutex rx_lock;		/* serialises readers */
	struct sk_buff_head rx_user;
	struct sk_buff *rx_cur;		/* partly read; under rx_lock */
	unsigned int rx_off;

	/* transmit, under the socket lock except the queues' own locking */
	struct sk_buff_head tx_data;
	struct sk_buff_head tx_user;
	struct sk_buff *tx_cur;
	unsigned int tx_off;
	bool tx_cur_user;
	bool tx_boundary;		/* daemon's stream is between records */
	u32 user_left;			/* body bytes left of its current record */
	u8 user_hdr_seen;		/* prefix bytes of its next record seen */
	u8 user_hdr0;
	struct work_struct tx_work;

	void (*saved_data_ready)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);
	struct proto *saved_prot;
	const struct proto_ops *saved_ops;
	struct rcu_head rcu;
};

/* one queued userspace chunk: does the daemon's stream end a record there */
struct ovpn_tcp_user_cb {
	bool boundary;
};

#define OVPN_TCP_USER_CB(skb) ((struct ovpn_tcp_user_cb *)&((skb)->cb[0]))

/* the kernel's TCP operations per family and our copies of them */
static DEFINE_MUTEX(ovpn_tcp_prot_mutex);
static struct proto *ovpn_tcp_base[2];
static struct proto ovpn_tcp_prot[2];
static const struct proto_ops *ovpn_tcp_ops_base[2];
static struct proto_ops ovpn_tcp_ops[2];

static int ovpn_tcp_family_idx(const struct sock *sk)
{
	return sk->sk_family == AF_INET6;
}

static void ovpn_tcp_free(struct ovpn_tcp *tcp)
{
	skb_queue_purge(&tcp->rx_user);
	kfree_skb(tcp->rx_cur);
	kfree_rcu(tcp, rcu);
}

static void ovpn_tcp_put(struct ovpn_tcp *tcp)
{
	if (refcount_dec_and_test(&tcp->refs))
		ovpn_tcp_free(tcp);
}

/* our state of @sk with a reference, or NULL once detached */
static struct ovpn_tcp *ovpn_tcp_get(struct sock *sk)
{
	struct ovpn_tcp *tcp;

	rcu_read_lock();
	tcp = rcu_dereference_sk_user_data(sk);
	if (tcp && !refcount_inc_not_zero(&tcp->refs))
		tcp = NULL;
	rcu_read_unlock();
	return tcp;
}

/* a transport failure ends the peer */
static void ovpn_tcp_fail(struct ovpn_tcp *tcp, int err)
{
	struct ovpn_peer *peer = tcp->peer;

	if (!ovpn_peer_hold(peer))
		return;
	net_warn_ratelimited("%s: TCP transport of peer %u failed: %d\n",
			     netdev_name(peer->ovpn->dev), peer->id, err);
	ovpn_peer_del(peer, OVPN_DEL_PEER_REASON_TRANSPORT_ERROR);
	ovpn_peer_put(peer);
}

/* ---- receive --------------------------------------------------------- */

static int ovpn_tcp_parse(struct strparser *strp, struct sk_buff *skb)
{
	struct strp_msg *rxm = strp_msg(skb);
	__be16 blen;

	if (skb->len < rxm->offset + OVPN_TCP_PREFIX)
		return 0;
	if (skb_copy_bits(skb, rxm->offset, &blen, sizeof(blen)))
		return -EINVAL;
	if (!blen)
		return -EINVAL;	/* a record is never empty */
	return be16_to_cpu(blen) + OVPN_TCP_PREFIX;
}

static void ovpn_tcp_rcv(struct strparser *strp, struct sk_buff *skb)
{
	struct ovpn_tcp *tcp = container_of(strp, struct ovpn_tcp, strp);
	struct strp_msg *rxm = strp_msg(skb);
	struct ovpn_peer *peer = tcp->peer;
	int off = rxm->offset, len = rxm->full_len;
	u8 op;

	if (unlikely(pskb_trim(skb, off + len) || !pskb_pull(skb, off) ||
		     !pskb_may_pull(skb, OVPN_TCP_PREFIX + 1)))
		goto drop;
	op = skb->data[OVPN_TCP_PREFIX];

	if (op >> OVPN_OPCODE_SHIFT == OVPN_OP_DATA_V2) {
		__skb_pull(skb, OVPN_TCP_PREFIX);
		if (unlikely(!ovpn_peer_hold(peer)))
			goto drop;
		/* the parser's worker runs in process context */
		local_bh_disable();
		ovpn_stats_add(peer->stats, OVPN_STAT_LINK_RX, skb->len);
		/* the peer reference travels with the skb */
		ovpn_recv(peer, skb);
		local_bh_enable();
		return;
	}

	/* control channel: to the daemon, as it arrived */
	if (unlikely(skb_queue_len(&tcp->rx_user) >= OVPN_TCP_QUEUE_MAX)) {
		net_dbg_ratelimited("%s: peer %u: control queue full\n",
				    netdev_name(peer->ovpn->dev), peer->id);
		goto drop;
	}
	skb_orphan(skb);
	skb_queue_tail(&tcp->rx_user, skb);
	tcp->saved_data_ready(strp->sk);
	return;
drop:
	ovpn_dev_rx_dropped(peer->ovpn->dev);
	kfree_skb(skb);
}

static void ovpn_tcp_abort(struct strparser *strp, int err)
{
	struct ovpn_tcp *tcp = container_of(strp, struct ovpn_tcp, strp);

	strp->stopped = 1;
	ovpn_tcp_fail(tcp, err);
}

static void ovpn_tcp_data_ready(struct sock *sk)
{
	struct ovpn_tcp *tcp;

	rcu_read_lock();
	tcp = rcu_dereference_sk_user_data(sk);
	if (likely(tcp))
		strp_data_ready(&tcp->strp);
	rcu_read_unlock();
}

static bool ovpn_tcp_readable(struct sock *sk)
{
	struct ovpn_tcp *tcp;
	bool ret = false;

	rcu_read_lock();
	tcp = rcu_dereference_sk_user_data(sk);
	if (tcp)
		ret = !skb_queue_empty_lockless(&tcp->rx_user) ||
		      READ_ONCE(tcp->rx_cur);
	rcu_read_unlock();
	return ret;
}

/*
 * Bytes of a record still being received sit in TCP's queue and make
 * TCP's poll report the socket readable, while a read would find nothing
 * for the daemon: readable means a queued record, an error or the end.
 */
static __poll_t ovpn_tcp_poll(struct file *file, struct socket *sock,
			      poll_table *wait)
{
	struct sock *sk = sock->sk;
	struct ovpn_tcp *tcp;
	__poll_t mask;

	mask = ovpn_tcp_ops_base[ovpn_tcp_family_idx(sk)]->poll(file, sock,
								 wait);
	if (mask & (EPOLLERR | EPOLLHUP | EPOLLRDHUP))
		return mask;
	rcu_read_lock();
	tcp = rcu_dereference_sk_user_data(sk);
	if (tcp && skb_queue_empty_lockless(&tcp->rx_user) &&
	    !READ_ONCE(tcp->rx_cur))
		mask &= ~(EPOLLIN | EPOLLRDNORM);
	rcu_read_unlock();
	return mask;
}

/* next record to read from; under rx_lock */
static struct sk_buff *ovpn_tcp_rx_next(struct ovpn_tcp *tcp)
{
	if (!tcp->rx_cur) {
		WRITE_ONCE(tcp->rx_cur, skb_dequeue(&tcp->rx_user));
		tcp->rx_off = 0;
	}
	return tcp->rx_cur;
}

static int ovpn_tcp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			    int flags, int *addr_len)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct ovpn_tcp *tcp = ovpn_tcp_get(sk);
	struct sk_buff *skb;
	size_t copied = 0;
	long timeo;
	int err = 0;

	if (!tcp)
		return ovpn_tcp_base[ovpn_tcp_family_idx(sk)]->recvmsg(sk, msg,
								     len, flags,
								     addr_len);
	if (flags & (MSG_PEEK | MSG_OOB | MSG_ERRQUEUE)) {
		err = -EOPNOTSUPP;
		goto out;
	}
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);

	mutex_lock(&tcp->rx_lock);
	add_wait_queue(sk_sleep(sk), &wait);
	while (!ovpn_tcp_rx_next(tcp)) {
		if (sk->sk_err) {
			err = sock_error(sk);
			break;
		}
		if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN ||
		    READ_ONCE(tcp->dead))
			break;
		if (!timeo) {
			err = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(timeo);
			break;
		}
		timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, timeo);
	}
	remove_wait_queue(sk_sleep(sk), &wait);

	while (copied < len && (skb = ovpn_tcp_rx_next(tcp))) {
		size_t n = min_t(size_t, len - copied, skb->len - tcp->rx_off);

		err = skb_copy_datagram_msg(skb, tcp->rx_off, msg, n);
		if (err)
			break;
		copied += n;
		tcp->rx_off += n;
		if (tcp->rx_off == skb->len) {
			WRITE_ONCE(tcp->rx_cur, NULL);
			consume_skb(skb);
		}
	}
	mutex_unlock(&tcp->rx_lock);
	if (copied) {
		err = copied;
	} else if (!err && READ_ONCE(tcp->dead)) {
		/* detached while we waited: plain TCP from now on */
		ovpn_tcp_put(tcp);
		return ovpn_tcp_base[ovpn_tcp_family_idx(sk)]->recvmsg(sk, msg,
								     len, flags,
								     addr_len);
	}
out:
	ovpn_tcp_put(tcp);
	return err;
}

/* ---- transmit -------------------------------------------------------- */

/* follow the daemon's records through @len bytes it wrote; true when
 * they end exactly at a record boundary
 */
static bool ovpn_tcp_user_scan(struct ovpn_tcp *tcp, const u8 *p, size_t len)
{
	while (len) {
		if (tcp->user_left) {
			size_t n = min_t(size_t, len, tcp->user_left);

			tcp->user_left -= n;
			p += n;
			len -= n;
			continue;
		}
		if (!tcp->user_hdr_seen) {
			tcp->user_hdr0 = *p;
			tcp->user_hdr_seen = 1;
		} else {
			tcp->user_left = (tcp->user_hdr0 << 8) | *p;
			tcp->user_hdr_seen = 0;
		}
		p++;
		len--;
	}
	return !tcp->user_left && !tcp->user_hdr_seen;
}

static int ovpn_tcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct ovpn_tcp *tcp = ovpn_tcp_get(sk);
	struct sk_buff *skb;
	int err;

	if (!tcp)
		return ovpn_tcp_base[ovpn_tcp_family_idx(sk)]->sendmsg(sk, msg,
								     size);
	if (msg->msg_flags & MSG_OOB) {
		err = -EOPNOTSUPP;
		goto out;
	}
	size = min_t(size_t, size, OVPN_TCP_USER_CHUNK);
	if (!size) {
		err = 0;
		goto out;
	}
	if (skb_queue_len(&tcp->tx_user) >= OVPN_TCP_QUEUE_MAX) {
		err = -EAGAIN;
		goto out;
	}
	skb = alloc_skb(size, GFP_KERNEL);
	if (!skb) {
		err = -ENOBUFS;
		goto out;
	}
	err = memcpy_from_msg(skb_put(skb, size), msg, size);
	if (err) {
		kfree_skb(skb);
		goto out;
	}

	lock_sock(sk);
	if (tcp->dead) {
		/* detached meanwhile: the socket is plain TCP again */
		release_sock(sk);
		kfree_skb(skb);
		err = -EAGAIN;
		goto out;
	}
	OVPN_TCP_USER_CB(skb)->boundary = ovpn_tcp_user_scan(tcp, skb->data,
							     skb->len);
	skb_queue_tail(&tcp->tx_user, skb);
	/* under the lock: detach cancels the work after marking us dead */
	queue_work(ovpn_wq, &tcp->tx_work);
	release_sock(sk);
	err = size;
out:
	ovpn_tcp_put(tcp);
	return err;
}

static void ovpn_tcp_tx_work(struct work_struct *work)
{
	struct ovpn_tcp *tcp = container_of(work, struct ovpn_tcp, tx_work);
	struct sock *sk = tcp->sock->sk;
	struct sk_buff *skb;
	int ret = 0;

	lock_sock(sk);
	while (!tcp->dead) {
		if (!tcp->tx_cur) {
			skb = skb_dequeue(&tcp->tx_user);
			tcp->tx_cur_user = !!skb;
			if (!skb && tcp->tx_boundary)
				skb = skb_dequeue(&tcp->tx_data);
			if (!skb)
				break;
			tcp->tx_cur = skb;
			tcp->tx_off = 0;
		}
		skb = tcp->tx_cur;
		ret = skb_send_sock_locked(sk, skb, tcp->tx_off,
					   skb->len - tcp->tx_off);
		if (ret <= 0) {
			if (!ret)
				ret = -EAGAIN;
			break;
		}
		tcp->tx_off += ret;
		if (tcp->tx_off < skb->len)
			continue;
		if (tcp->tx_cur_user)
			tcp->tx_boundary = OVPN_TCP_USER_CB(skb)->boundary;
		tcp->tx_cur = NULL;
		consume_skb(skb);
	}
	release_sock(sk);
	/* EAGAIN: write space brings us back */
	if (ret < 0 && ret != -EAGAIN)
		ovpn_tcp_fail(tcp, ret);
}

/* queues the encrypted packet in @skb (starting at the opcode) for the
 * peer's connection; consumes it. Bottom halves or the crypto completion.
 */
void ovpn_tcp_send(struct ovpn_peer *peer, struct sk_buff *skb)
{
	struct ovpn_tcp *tcp = peer->tcp;
	unsigned int len = skb->len;

	if (unlikely(len > U16_MAX ||
		     skb_cow_head(skb, OVPN_TCP_PREFIX)))
		goto drop;
	if (unlikely(skb_queue_len(&tcp->tx_data) >= OVPN_TCP_QUEUE_MAX))
		goto drop;
	put_unaligned_be16(len, __skb_push(skb, OVPN_TCP_PREFIX));
	skb_queue_tail(&tcp->tx_data, skb);
	queue_work(ovpn_wq, &tcp->tx_work);
	return;
drop:
	ovpn_dev_tx_dropped(peer->ovpn->dev);
	kfree_skb(skb);
}

static void ovpn_tcp_write_space(struct sock *sk)
{
	struct ovpn_tcp *tcp;

	rcu_read_lock();
	tcp = rcu_dereference_sk_user_data(sk);
	if (likely(tcp)) {
		if (!skb_queue_empty_lockless(&tcp->tx_data) ||
		    !skb_queue_empty_lockless(&tcp->tx_user) || tcp->tx_cur)
			queue_work(ovpn_wq, &tcp->tx_work);
		tcp->saved_write_space(sk);
	}
	rcu_read_unlock();
}

/* ---- attach and detach ----------------------------------------------- */

/* our operations table for @sk's family, made on first use */
static struct proto *ovpn_tcp_prot_get(struct sock *sk)
{
	int i = ovpn_tcp_family_idx(sk);
	struct proto *p = NULL;

	mutex_lock(&ovpn_tcp_prot_mutex);
	if (!ovpn_tcp_base[i]) {
		ovpn_tcp_base[i] = sk->sk_prot;
		ovpn_tcp_prot[i] = *sk->sk_prot;
		ovpn_tcp_prot[i].recvmsg = ovpn_tcp_recvmsg;
		ovpn_tcp_prot[i].sendmsg = ovpn_tcp_sendmsg;
		ovpn_tcp_prot[i].sock_is_readable = ovpn_tcp_readable;
		ovpn_tcp_ops_base[i] = sk->sk_socket->ops;
		ovpn_tcp_ops[i] = *sk->sk_socket->ops;
		ovpn_tcp_ops[i].poll = ovpn_tcp_poll;
	}
	if (ovpn_tcp_base[i] == sk->sk_prot &&
	    ovpn_tcp_ops_base[i] == sk->sk_socket->ops)
		p = &ovpn_tcp_prot[i];
	mutex_unlock(&ovpn_tcp_prot_mutex);
	return p;
}

__be16 ovpn_tcp_local_port(struct ovpn_tcp *tcp)
{
	return inet_sk(tcp->sock->sk)->inet_sport;
}

/* On success takes over the caller's file reference on @sock. */
int ovpn_tcp_attach(struct ovpn_peer *peer, struct socket *sock)
{
	static const struct strp_callbacks cb = {
		.parse_msg = ovpn_tcp_parse,
		.rcv_msg = ovpn_tcp_rcv,
		.abort_parser = ovpn_tcp_abort,
	};
	struct sock *sk = sock->sk;
	struct ovpn_tcp *tcp;
	struct proto *prot;
	int err;

	if (sk->sk_protocol != IPPROTO_TCP || sk->sk_type != SOCK_STREAM ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6))
		return -EPROTONOSUPPORT;
	if (READ_ONCE(sk->sk_state) != TCP_ESTABLISHED) {
		netdev_dbg(peer->ovpn->dev, "TCP socket is not established: %u\n",
			   READ_ONCE(sk->sk_state));
		return -ENOTCONN;
	}
	prot = ovpn_tcp_prot_get(sk);
	if (!prot)
		return -EBUSY;	/* somebody else changed its operations */

	tcp = kzalloc(sizeof(*tcp), GFP_KERNEL);
	if (!tcp)
		return -ENOMEM;
	tcp->peer = peer;
	tcp->sock = sock;
	refcount_set(&tcp->refs, 1);
	mutex_init(&tcp->rx_lock);
	skb_queue_head_init(&tcp->rx_user);
	skb_queue_head_init(&tcp->tx_data);
	skb_queue_head_init(&tcp->tx_user);
	tcp->tx_boundary = true;
	INIT_WORK(&tcp->tx_work, ovpn_tcp_tx_work);
	err = strp_init(&tcp->strp, sk, &cb);
	if (err)
		goto err_free;

	lock_sock(sk);
	if (sk->sk_user_data || inet_csk(sk)->icsk_ulp_ops ||
	    sk->sk_prot != ovpn_tcp_base[ovpn_tcp_family_idx(sk)] ||
	    sock->ops != ovpn_tcp_ops_base[ovpn_tcp_family_idx(sk)]) {
		release_sock(sk);
		err = -EBUSY;
		goto err_strp;
	}
	write_lock_bh(&sk->sk_callback_lock);
	tcp->saved_data_ready = sk->sk_data_ready;
	tcp->saved_write_space = sk->sk_write_space;
	tcp->saved_prot = sk->sk_prot;
	tcp->saved_ops = sock->ops;
	rcu_assign_sk_user_data(sk, tcp);
	sk->sk_data_ready = ovpn_tcp_data_ready;
	sk->sk_write_space = ovpn_tcp_write_space;
	WRITE_ONCE(sk->sk_prot, prot);
	WRITE_ONCE(sock->ops, &ovpn_tcp_ops[ovpn_tcp_family_idx(sk)]);
	write_unlock_bh(&sk->sk_callback_lock);
	release_sock(sk);

	peer->tcp = tcp;
	/* bytes that arrived before we took over */
	strp_check_rcv(&tcp->strp);
	return 0;

err_strp:
	strp_stop(&tcp->strp);
	strp_done(&tcp->strp);
err_free:
	kfree(tcp);
	return err;
}

/*
 * After detach the socket is plain TCP again, which cannot hand back
 * bytes the parser already took from it: control records the daemon did
 * not read by then, and a record the parser had only partly assembled,
 * are dropped here and counted on the device. Readers blocked in our
 * recvmsg are woken first and still get what is queued.
 */
static void ovpn_tcp_drop_unread(struct ovpn_tcp *tcp, bool partial)
{
	struct net_device *dev = tcp->peer->ovpn->dev;
	unsigned int i, n = partial;
	struct sk_buff *skb;

	mutex_lock(&tcp->rx_lock);
	if (tcp->rx_cur) {
		n++;
		kfree_skb(tcp->rx_cur);
		WRITE_ONCE(tcp->rx_cur, NULL);
	}
	while ((skb = skb_dequeue(&tcp->rx_user))) {
		n++;
		kfree_skb(skb);
	}
	mutex_unlock(&tcp->rx_lock);
	if (!n)
		return;
	for (i = 0; i < n; i++)
		ovpn_dev_rx_dropped(dev);
	netdev_info(dev, "peer %u released with %u unread control record(s) on its TCP connection: dropped\n",
		    tcp->peer->id, n);
}

/* process context: gives the socket back to plain TCP and drops it */
void ovpn_tcp_detach(struct ovpn_tcp *tcp)
{
	struct sock *sk = tcp->sock->sk;
	bool partial;

	lock_sock(sk);
	write_lock_bh(&sk->sk_callback_lock);
	rcu_assign_sk_user_data(sk, NULL);
	sk->sk_data_ready = tcp->saved_data_ready;
	sk->sk_write_space = tcp->saved_write_space;
	WRITE_ONCE(sk->sk_prot, tcp->saved_prot);
	WRITE_ONCE(tcp->sock->ops, tcp->saved_ops);
	write_unlock_bh(&sk->sk_callback_lock);
	WRITE_ONCE(tcp->dead, true);
	strp_stop(&tcp->strp);
	/* stopped under the socket lock: the parser's state is final */
	partial = !!tcp->strp.skb_head;
	release_sock(sk);

	strp_done(&tcp->strp);
	cancel_work_sync(&tcp->tx_work);
	skb_queue_purge(&tcp->tx_data);
	skb_queue_purge(&tcp->tx_user);
	kfree_skb(tcp->tx_cur);
	tcp->tx_cur = NULL;
	/* readers blocked in our recvmsg take what is queued, then go back
	 * to plain TCP
	 */
	tcp->saved_data_ready(sk);
	ovpn_tcp_drop_unread(tcp, partial);
	sockfd_put(tcp->sock);
	ovpn_tcp_put(tcp);
}
