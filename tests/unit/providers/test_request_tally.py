"""A job's request count is its own: other threads' requests do not leak into it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context

from soulspot.providers.stats import count_request, counting_requests


def test_each_context_counts_only_its_own_requests() -> None:
    started = threading.Barrier(2)
    results: dict[str, dict[str, int]] = {}

    def job(name: str, provider: str, requests: int) -> None:
        with counting_requests() as tally:
            started.wait()  # both jobs count at the same time
            for _ in range(requests):
                count_request(provider)
            results[name] = tally.counts(("spotify", "deezer"))

    threads = [
        threading.Thread(target=job, args=("enrichment", "spotify", 5)),
        threading.Thread(target=job, args=("repair", "deezer", 3)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == {
        "enrichment": {"spotify": 5, "deezer": 0},
        "repair": {"spotify": 0, "deezer": 3},
    }


def test_work_handed_to_a_pool_counts_when_run_in_a_copy_of_the_context() -> None:
    with counting_requests() as tally, ThreadPoolExecutor(2) as pool:
        pool.submit(copy_context().run, count_request, "spotify").result()
        pool.submit(count_request, "deezer").result()  # without the copy: not this job's
    assert tally.counts() == {"spotify": 1}


def test_requests_outside_any_tally_are_not_counted() -> None:
    count_request("spotify")  # no tally: nothing to do, nothing raised
    with counting_requests() as tally:
        pass
    assert tally.counts(("spotify",)) == {"spotify": 0}
