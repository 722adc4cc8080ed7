"""Scheduled work: each domain declares its jobs in `engage/<domain>/jobs.py` as a list
`JOBS` of `ScheduledJob`; the scheduler process (`flask --app engage scheduler`) and
`flask --app engage jobs run-due` run them. Nothing here starts inside a web worker."""
