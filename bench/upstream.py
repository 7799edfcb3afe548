"""A tiny exchange-rate upstream on loopback, so the async view's measurement is our own path.

Answers every GET with `{"base": ..., "rates": {<to>: 1.0825}}` after a delay, at once unless
told otherwise: `python bench/upstream.py PORT [DELAY_MS]`. `GET /_delay?ms=100` sets the delay
for the answers that follow (the benchmark measures the async view at several delays without
restarting the project's servers). The delay is an asyncio sleep: the upstream itself never
limits how many requests wait at once.
"""

import asyncio
import json
import sys
from urllib.parse import parse_qs, urlsplit

delay_s = 0.0


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    global delay_s
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            target = head.split(b" ", 2)[1].decode()
            url = urlsplit(target)
            query = parse_qs(url.query)
            if url.path == "/_delay":
                delay_s = float(query["ms"][0]) / 1000
                writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
                await writer.drain()
                continue
            if delay_s:
                await asyncio.sleep(delay_s)
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
    if len(sys.argv) > 2:
        delay_s = float(sys.argv[2]) / 1000
    asyncio.run(main(int(sys.argv[1])))
