"""`make bench`: cold start, cost per 1,000 applications, flat cost as the table grows and
end-to-end throughput, measured on this machine against the embedded AWS (moto).

Benchmarks, not tests: nothing here asserts a timing; `python -m infra.bench` prints one
table and writes the figures to `.local/bench.json`.

Keep this package's __init__ free of imports: the cold-start child (cold_child.py) is run as
`python -m infra.bench.cold_child`, and anything imported here would be imported before
its timer starts.
"""
