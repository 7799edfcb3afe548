"""A tiny exchange-rate upstream on loopback, so the async view's measurement is our own path.

Answers every GET with `{"base": ..., "rates": {<to>: 1.0825}}` at once, like the real service
would on a good day: `python bench/upstream.py PORT`.
"""

import asyncio
import json
import sys
from urllib.parse import parse_qs, urlsplit


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            target = head.split(b" ", 2)[1].decode()
            query = parse_qs(urlsplit(target).query)
            base = query.get("from", ["EUR"])[0]
            to = query.get("to", ["USD"])[0]
            body = json.dumps({"base": base, "rates": {to: 1.0825}}).encode()
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, IndexError):
        pass
    finally:
        writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
