"""The lint-creds benchmark suite (issue 6): ``python bench/run.py``; see docs/benchmarks.md.

Standard library only, except the chart (matplotlib, installed into the bench's own
tools venv, never a project dependency).
"""
