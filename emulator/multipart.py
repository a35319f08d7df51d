"""Reading a multipart/form-data body (Consents_Post, PersonalVoices_Post) with the stdlib email parser."""

from __future__ import annotations

import email.parser
import email.policy
from dataclasses import dataclass

from emulator.errors import ErrorResponse, bad_argument, bad_request


@dataclass(frozen=True)
class Form:
    fields: dict[str, str]  # the text parts (those without a filename) by name, as sent
    file_field: str  # the file parts' name as sent (the expected name when there is none)
    files: list[bytes]  # every part of that name, in order

    @property
    def file(self) -> bytes | None:
        """The one file a consent is sent with (the first, if several were)."""
        return self.files[0] if self.files else None


def parse_form(content_type: str, body: bytes, file_field: str) -> Form:
    """The text parts, and the parts called `file_field` in any letter case (as the service
    is sent both `audiodata` and `audioData`)."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise ErrorResponse(415, "UnsupportedMediaType", "The request body must be multipart/form-data.")
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise bad_request("The multipart/form-data body could not be read.")
    fields: dict[str, str] = {}
    found_name, found = file_field, []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or not name:
            continue
        content = part.get_payload(decode=True)
        content = content if isinstance(content, bytes) else b""
        if name.lower() == file_field.lower():
            found_name = name
            found.append(content)
            continue
        if part.get_filename() is not None:  # some other file: nothing the API reads
            continue
        try:
            fields[name] = content.decode("utf-8")
        except UnicodeDecodeError:
            raise bad_argument(f"The form field '{name}' must be UTF-8 text.", name) from None
    return Form(fields, found_name, found)
