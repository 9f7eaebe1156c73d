"""Makes supervisord emit N REMOTE_COMMUNICATION events as fast as one client can: XML-RPC sendRemoteCommEvent,
BATCH calls per system.multicall (1: one plain call per event), through supervisor's own transport (unix socket or
http). supervisord puts all events of one multicall into a listener's buffer in one pass of its loop, so batches
larger than the listener's buffer_size overflow it whatever the listener does; one call per event lets the
listener take each event between two calls, as when programs change state one after another."""
import sys
import xmlrpc.client

from supervisor.xmlrpc import SupervisorTransport

url, count = sys.argv[1], int(sys.argv[2])
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
proxy = xmlrpc.client.ServerProxy("http://127.0.0.1", transport=SupervisorTransport(None, None, url))
if batch == 1:
    for i in range(count):
        if proxy.supervisor.sendRemoteCommEvent("bench", "event %d" % i) is not True:
            sys.exit("sendRemoteCommEvent failed")
    sys.exit(0)
for start in range(0, count, batch):
    calls = [{"methodName": "supervisor.sendRemoteCommEvent", "params": ["bench", "event %d" % i]}
             for i in range(start, min(count, start + batch))]
    for result in proxy.system.multicall(calls):
        if result is not True:
            sys.exit("sendRemoteCommEvent failed: %r" % (result,))
