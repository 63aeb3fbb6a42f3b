"""The ``lint-creds`` command line: ``main`` dispatches to ``check``, ``fix`` and ``rule``.

What only the commands need lives here too: configuration (``config``), running the engine
over many files (``runner``), baselines and ``# noqa``. Nothing outside this part imports
it.
"""
