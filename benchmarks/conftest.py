# The demo trust, seeded once per session by seed-demo (demo_sqlite), as in the tests.
pytest_plugins = ["tests.factories.demo"]
