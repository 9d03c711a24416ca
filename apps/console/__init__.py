"""``pocketpilot console``: a Textual viewer over run records (live or finished).

It only reads events (and answers confirmations through files); it never touches the runtime's
objects, so it works the same on a run in another process, over SSH, or on a copied run dir.
"""
