"""Why a connection failed, in a few words: the errors of requests and the storage SDK carry
the whole chain of urllib3's exceptions."""

import re

_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")\]]+")


def network_reason(message: str) -> str:
    found = _ERRNO.search(message)
    if found:
        return found.group(0).strip()
    if "timed out" in message.lower():
        return "the connection timed out"
    return message
