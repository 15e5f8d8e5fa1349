"""Nothing may be downloaded while the tests run: not by the tests, not by a notebook."""

import socket

import pytest
from jupyter_client.manager import start_new_kernel
from pytest_socket import SocketConnectBlockedError

# 127.0.0.2 is a loopback address that is not on the allowed list: if blocking failed,
# the attempt would still never leave this machine.
NOT_ALLOWED = ("127.0.0.2", 9)


def test_the_test_process_cannot_open_connections():
    with pytest.raises(SocketConnectBlockedError):
        socket.create_connection(NOT_ALLOWED, timeout=1)


def test_notebook_kernels_cannot_open_connections():
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        reply = client.execute_interactive(
            f"import socket\nsocket.create_connection({NOT_ALLOWED!r}, timeout=1)", timeout=60
        )
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "SocketConnectBlockedError"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
