"""Pressroom's benchmark (issue 9): incremental publish, bulk build against Pelican and Hugo,
cold start and cost per publish. Run it with `make bench` or `python -m bench --help`."""
