"""The read-only HSDS 3.0 API at /api/hsds/."""
