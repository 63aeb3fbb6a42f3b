"""Reading the tree: file discovery, safe reads, notebooks and the byte screen.

``prefilter`` (with ``boto_screen``) decides from bytes alone whether a file could hold a
finding, so most files are never parsed. It imports only the shared data modules.
"""
