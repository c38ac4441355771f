"""The intake conversation's steps, one module per flow; each step runs inside one unit of work."""
