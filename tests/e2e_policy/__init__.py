"""End-to-end tests of ``lint-creds policy``: the drafted policy, deployed as an IAM role on
moto with IAM enforced, lets each example app run, and no grant of it can be removed (see
README.md here)."""
