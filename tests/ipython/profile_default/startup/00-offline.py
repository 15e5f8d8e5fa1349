# Under the test suite, a notebook kernel may talk to itself (loopback) but to no one
# else: a hidden download fails with pytest_socket.SocketBlockedError.
from pytest_socket import socket_allow_hosts as _allow_hosts

_allow_hosts(["127.0.0.1", "::1", "localhost"], allow_unix_socket=True)
del _allow_hosts
