#!/usr/bin/env bash
# Retrieval quality of GET /api/v1/search on the evaluation set (tests/retrieval/queries.tsv): the perf-series stack
# (private PostgreSQL, Redis, two replicas, the catalog imported) with background embedding on, then the `retrieval`
# benchmark, which waits for the embedding backlog to drain (and reports the drain rate) and prints Recall@1, Recall@5
# and MRR@10 per mode and kind. Usage: loadtests/retrieval.sh [--out DIR] [--api-tree DIR]
exec "$(dirname "$0")/perf-series.sh" --suites retrieval "$@"
