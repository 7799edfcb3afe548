"""django-pro benchmarks: the template's own timings and the generated project under load.

Modules, one part each: cli (the command line), common (paths, commands, generating a project),
template_timings (copier copy, first green run), suite_time (the template's suite by category),
load (the project under load), endpoints (what is measured), measure (one endpoint under wrk),
metrics (the project's /metrics and slow-query log), processes (start and stop servers),
report (results.json, results.md, results.png).
"""
