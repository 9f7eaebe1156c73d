# Run by the listener's ChildExitWatch with the interpreter supervisord runs on, as
# "python3 -I -S -c <exec of this file, from the environment> supervisor-kafka-child-exit-watch".
# Tells the listener when a process it names exits, without polling: a pidfd (Linux 5.3, Python 3.9) becomes
# readable when its process is dead, reaped or not, whoever its parent is.
#
# stdin: lines, each the whole set of pids to watch (decimal, separated by any non-digit). Only the last complete
#        line read at once counts. End of file (the listener is gone): exit.
# stdout: "ready" once, then one line per watched pid that exited (or was gone when it was named). A pid that exited
#         is reported once while it stays named.
# stderr: one line, and exit status 2, when this kernel or Python has no pidfd; 3 when a pid cannot be watched (no
#         descriptor left). The listener then looks for dead children periodically, as without this helper.
import os
import resource
import select
import sys

try:
    os.close(os.pidfd_open(os.getpid()))
except (AttributeError, OSError) as e:
    sys.stderr.write("child-exit watch: no pidfd here (%s)\n" % e)
    sys.exit(2)

# A descriptor per child: as many as the hard limit allows (a supervisord may run more programs than the soft 1,024).
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft != hard:
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

poller = select.poll()
poller.register(0, select.POLLIN)
descriptors = {}  # pid -> pidfd, while it runs
pids = {}  # pidfd -> pid
reported = set()  # named pids that exited
pending = b""
NOT_DIGITS = bytes(b if 48 <= b <= 57 else 32 for b in range(256))


def tell(pid):
    reported.add(pid)
    os.write(1, b"%d\n" % pid)


def forget(pid):
    descriptor = descriptors.pop(pid, None)
    if descriptor is not None:
        poller.unregister(descriptor)
        del pids[descriptor]
        os.close(descriptor)


def watch_exactly(named):
    for pid in list(descriptors):
        if pid not in named:
            forget(pid)
    reported.intersection_update(named)
    for pid in named:
        if pid in descriptors or pid in reported:
            continue
        try:
            descriptor = os.pidfd_open(pid)
        except ProcessLookupError:  # gone already
            tell(pid)
            continue
        except OSError as e:
            sys.stderr.write("child-exit watch: cannot watch pid %d (%s)\n" % (pid, e))
            sys.exit(3)
        descriptors[pid] = descriptor
        pids[descriptor] = pid
        poller.register(descriptor, select.POLLIN)


os.write(1, b"ready\n")
while True:
    ready = [descriptor for descriptor, _ in poller.poll()]
    # The exits first: a new list may close a pidfd that is ready here and open another pid's on the same number.
    for descriptor in ready:
        if descriptor in pids:
            pid = pids[descriptor]
            forget(pid)
            tell(pid)
    if 0 in ready:
        chunk = os.read(0, 65536)
        if not chunk:
            sys.exit(0)
        pending += chunk
        lines = pending.split(b"\n")
        pending = lines.pop()
        if lines:
            watch_exactly({int(pid) for pid in lines[-1].translate(NOT_DIGITS).split()})
