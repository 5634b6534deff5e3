# An event listener for the RPC differential suite: it acknowledges every
# event and writes its header line and payload to stderr.
import sys

while True:
    sys.stdout.write('READY\n')
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        break
    headers = dict(x.split(':', 1) for x in line.split())
    data = sys.stdin.read(int(headers['len']))
    sys.stderr.write(line + data + '\n')
    sys.stderr.flush()
    sys.stdout.write('RESULT 2\nOK')
    sys.stdout.flush()
