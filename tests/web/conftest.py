from tests.web.support import fresh_g_per_request  # noqa: F401  (autouse: a fresh `g` per request)
