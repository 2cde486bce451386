"""Following the change feed as a client does."""


def follow(client, cursor: str | None = None, page_size: int = 100, **params) -> list[dict]:
    """Every change after `cursor`, page by page, until the feed says it is at the end."""
    changes = []
    while True:
        query = {"page_size": page_size, **params} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/v1/changes", query_string=query).get_json()
        changes += body["data"]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return changes


def about(changes: list[dict], *ids) -> list[dict]:
    wanted = {str(i) for i in ids}
    return [c for c in changes if c["resource_id"] in wanted]
