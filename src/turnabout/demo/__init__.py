"""The demo organisation, Northwind Lumen: builders and their data files.

`turnabout demo` (this app's `demo` command) builds it in an empty database, step by step:
`people` (the company), `programs` (the program, a past and a current cohort with
applications), `pairing` (match runs, published and answered pairs) and `engagement`
(agreements, sessions, goals, learning). Each builder reads its tables from `data/` (TOML
and CSV) and writes only through the services. The same seed gives the same demo.
"""
