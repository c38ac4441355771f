"""The composition root: the command line, the task registry, the web app and `bangtin up`; it may import
every layer."""
