"""CPU per upstream call with many calls waiting at once: httpx's own connection pool, httpx over
aiohttp's pool (what items/rates.py uses), and aiohttp alone.

Run inside a generated project (its environment has all three), against the benchmark's upstream
started beside it:

    python /path/to/django-pro/bench/upstream.py 18999 &
    uv run python /path/to/django-pro/docs/measure_upstream_clients.py [CALLS] [AT_ONCE]

Each client makes CALLS calls (default 6,000), AT_ONCE (default 32) waiting at a time, after 500
to warm its pool. docs/scaling.md quotes its figures.
"""

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

URL = "http://127.0.0.1:18999/latest"
PARAMS = {"from": "EUR", "to": "USD"}


async def cpu_per_call(call: Callable[[], Awaitable[None]], calls: int, at_once: int) -> float:
    """Milliseconds of this process's CPU per call."""
    slots = asyncio.Semaphore(at_once)

    async def one() -> None:
        async with slots:
            await call()

    await asyncio.gather(*(one() for _ in range(500)))
    started = time.process_time()
    await asyncio.gather(*(one() for _ in range(calls)))
    return 1000 * (time.process_time() - started) / calls


async def through_httpx(transport: httpx.AsyncBaseTransport | None, calls: int, n: int) -> float:
    async with httpx.AsyncClient(transport=transport) as client:

        async def call() -> None:
            (await client.get(URL, params=PARAMS)).json()

        return await cpu_per_call(call, calls, n)


async def through_aiohttp(calls: int, at_once: int) -> float:
    async with aiohttp.ClientSession() as session:

        async def call() -> None:
            async with session.get(URL, params=PARAMS) as response:
                await response.json()

        return await cpu_per_call(call, calls, at_once)


async def main(calls: int = 6000, at_once: int = 32) -> None:
    own_pool = await through_httpx(None, calls, at_once)
    aiohttp_pool = await through_httpx(AiohttpTransport(), calls, at_once)
    alone = await through_aiohttp(calls, at_once)
    print(f"{calls} calls, {at_once} at a time: CPU per call")
    print(f"  httpx's own pool      {own_pool:.2f} ms")
    print(f"  httpx over aiohttp's  {aiohttp_pool:.2f} ms")
    print(f"  aiohttp alone         {alone:.2f} ms")


if __name__ == "__main__":
    arguments = [int(argument) for argument in sys.argv[1:3]]
    asyncio.run(main(*arguments))
