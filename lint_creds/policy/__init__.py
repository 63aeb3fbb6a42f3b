"""``lint-creds policy``: the least-privilege IAM policy for the role the fixed code runs as.

:mod:`.calls` finds the SDK calls of a module (clients, sessions, resources, paginators,
waiters, through names, ``self.`` attributes and ``with`` targets); :mod:`.actions` maps
each to the IAM actions it needs (:mod:`.catalog`'s data generated offline from botocore
and AWS's service authorization reference, and :mod:`.exceptions`' reviewed table);
:mod:`.resources` narrows their ARNs from the arguments; :mod:`.document` groups them into
statements; :mod:`.iac` wraps them in a role for Terraform or CloudFormation. Nothing here
runs the project's code or needs the network.
"""
