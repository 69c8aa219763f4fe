from concurrent.futures import ThreadPoolExecutor


def score(item):
    try:
        return item.run()
    except Exception as e:
        # a worker's result, collected by the caller: nothing reaches a client
        # ok: exception-text-in-server-error
        return str(e)


with ThreadPoolExecutor() as pool:
    futures = [pool.submit(score, job) for job in range(4)]
