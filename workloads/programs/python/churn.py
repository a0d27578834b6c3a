"""mmbench program input: object churn in CPython (run with
PYTHONMALLOC=malloc so every object comes from the malloc under test).
Usage: python3 churn.py N. N rounds of: dicts of small objects, lists of
tuples and strings, a sorted merge, and a cache that evicts old entries.
Prints deterministic check sums only."""
import sys


class Node:
    __slots__ = ("key", "value", "next")

    def __init__(self, key, value, nxt):
        self.key = key
        self.value = value
        self.next = nxt


def round_work(r, cache):
    d = {}
    head = None
    for i in range(3000):
        k = "k%d-%d" % (r, i)
        head = Node(k, (i * 2654435761) % 1000003, head)
        d[k] = [i, str(i * r), (i, r)]
    rows = sorted(((v[0] * 7919) % 4099, k) for k, v in d.items())
    total = 0
    node = head
    while node is not None:
        total = (total + node.value) % 1000000007
        node = node.next
    text = "".join(k[-3:] for _, k in rows[:1000])
    cache[r] = (rows[:200], text)
    if len(cache) > 10:
        del cache[min(cache)]
    return (total + len(text) + rows[0][0]) % 1000000007


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    cache = {}
    s = 0
    for r in range(n):
        s = (s * 31 + round_work(r, cache)) % 1000000007
    print("rounds %d checksum %d cached %d" % (n, s, len(cache)))
    print("churn done")


main()
