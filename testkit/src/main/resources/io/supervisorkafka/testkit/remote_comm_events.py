"""Makes supervisord emit N REMOTE_COMMUNICATION events as fast as it can: XML-RPC sendRemoteCommEvent, batched
with system.multicall, through supervisor's own transport (unix socket or http)."""
import sys
import xmlrpc.client

from supervisor.xmlrpc import SupervisorTransport

url, count = sys.argv[1], int(sys.argv[2])
proxy = xmlrpc.client.ServerProxy("http://127.0.0.1", transport=SupervisorTransport(None, None, url))
batch = 1000
for start in range(0, count, batch):
    calls = [{"methodName": "supervisor.sendRemoteCommEvent", "params": ["bench", "event %d" % i]}
             for i in range(start, min(count, start + batch))]
    for result in proxy.system.multicall(calls):
        if result is not True:
            sys.exit("sendRemoteCommEvent failed: %r" % (result,))
