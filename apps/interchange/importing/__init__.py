"""HSDS 3.0 import (X2): read a file, map it onto directory records, plan, then write.

``reading`` turns JSON or a tabular datapackage into nested HSDS documents (every object
remembers its file and row), ``mapping`` turns documents into planned records with field
values as the curation registry knows them, ``planning`` matches them with the directory
and computes what would change, and ``writing`` applies a plan. The entry points are in
``apps.interchange.services``.
"""
