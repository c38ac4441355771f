"""Who may sign in and do what: passwords, login, second factor, API tokens, access rules."""
