"""Exchange tests: install the temporary crypto doubles while the real modules are absent."""

from tests.host.exchange._doubles import install

install()
