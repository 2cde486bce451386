"""Content lines as iCalendar (RFC 5545) and vCard (RFC 6350) share them: escaped text,
lines folded at 75 octets, CRLF."""

from collections.abc import Iterable

MAX_OCTETS = 75


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Break a long line into 75-octet pieces without splitting a UTF-8 character."""
    pieces, current, size = [], "", 0
    for character in line:
        octets = len(character.encode())
        # Continuation lines begin with a space, which counts.
        if size + octets > MAX_OCTETS:
            pieces.append(current)
            current, size = " ", 1
        current += character
        size += octets
    pieces.append(current)
    return "\r\n".join(pieces)


def content(lines: Iterable[str]) -> bytes:
    return "".join(fold(line) + "\r\n" for line in lines).encode()
