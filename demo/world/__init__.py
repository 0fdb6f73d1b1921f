"""The demo world of the 2020 epidemic response in Chengdu, loaded by `manage.py load_demo`.

Reference data (organisations, catalogue, served units, donors, users) is upserted by natural
key; stock only ever enters through `inventory.services`, so the demo ledger is as trustworthy
as a real one. `loader.load_demo` is the one entry point.
"""
