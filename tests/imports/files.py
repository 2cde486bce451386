"""Files to import, made in memory."""

import io

from openpyxl import Workbook


def csv_bytes(*rows: str, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    return "\r\n".join(row.replace(";", delimiter) for row in rows).encode(encoding) + b"\r\n"


def xlsx_bytes(*rows: list) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, resource="partners", name="liste.csv", headers=None, **query):
    params = "&".join(
        f"{key}={value}"
        for key, values in ({"resource": resource} | query).items()
        for value in (values if isinstance(values, list) else [values])
    )
    return client.post(
        f"/api/v1/imports?{params}",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        headers=headers or {},
    )
