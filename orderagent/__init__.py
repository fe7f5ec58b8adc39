"""The roof: the command line, the app factory, the starters, first-start bootstrap, the demo.

Where new code goes: a new command in `cli.py`; something that runs beside the server in
`serve.py`; app wiring (middleware, health) in `app.py`. Nothing below imports this package.
"""
