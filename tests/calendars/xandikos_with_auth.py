"""Xandikos for the tests, with a password: `python -m tests.calendars.xandikos_with_auth`.

Xandikos's own command line enables its Basic auth (`--htpasswd`) only together with
`--autocert`, a self-signed HTTPS certificate, since Basic auth over plain HTTP sends the
password in the clear. The tests talk to it over loopback, so this builds the app the
command line builds (`xandikos serve --defaults`: one principal, its calendar home and a
calendar; the .well-known redirects) and puts the same middleware,
`xandikos.web.basic_auth_middleware`, in front of it over HTTP.
"""

import argparse
import logging

from aiohttp import web
from xandikos.htpasswd import HtpasswdFile
from xandikos.web import (
    WELLKNOWN_DAV_PATHS,
    RedirectDavHandler,
    SingleUserFilesystemBackend,
    XandikosApp,
    basic_auth_middleware,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--directory", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--htpasswd", required=True)
    parser.add_argument("--principal", default="/user/")
    options = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    backend = SingleUserFilesystemBackend(options.directory, autocreate=True)
    backend._mark_as_principal(options.principal)
    backend.create_principal(options.principal, create_defaults=True)
    dav = XandikosApp(backend, current_user_principal=options.principal, strict=True)

    async def handle(request: web.Request) -> web.StreamResponse:
        return await dav.aiohttp_handler(request, "/")

    app = web.Application(middlewares=[basic_auth_middleware(HtpasswdFile(options.htpasswd))])
    for path in WELLKNOWN_DAV_PATHS:
        app.router.add_route("*", path, RedirectDavHandler("/").__call__)
    app.router.add_route("*", "/{path_info:.*}", handle)
    web.run_app(app, host="127.0.0.1", port=options.port, print=None)


if __name__ == "__main__":
    main()
