"""A small HTTP client over the standard library: session cookies, CSRF login, timed GETs and
POSTs."""

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence

TIMEOUT_S = 60.0
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class RequestFailed(Exception):
    """A benchmarked request did not answer 200: its timing would measure an error page."""


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect comes back as the answer (an HTTPError with its status and Location)."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class HttpClient:
    def __init__(self, base_url: str, headers: dict[str, str] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = headers or {}
        self.cookies = http.cookiejar.CookieJar()
        cookies = urllib.request.HTTPCookieProcessor(self.cookies)
        self.opener = urllib.request.build_opener(cookies)
        self.no_redirect_opener = urllib.request.build_opener(cookies, _KeepRedirects())

    def _open(
        self,
        path: str,
        data: bytes | None = None,
        *,
        follow: bool = True,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, str, bytes]:
        """Status, final URL (a redirect's Location when not following) and body."""
        request = urllib.request.Request(  # noqa: S310 - the URL is our own loopback server
            self.base_url + path, data=data, headers={**self.headers, **(headers or {})}
        )
        opener = self.opener if follow else self.no_redirect_opener
        try:
            with opener.open(request, timeout=TIMEOUT_S) as response:
                return int(response.status), response.geturl(), response.read()
        except urllib.error.HTTPError as error:
            location = error.headers.get("Location") if not follow else None
            return error.code, location or error.geturl(), error.read()

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> bytes:
        status, _url, body = self._open(path, headers=headers)
        if status != 200:
            raise RequestFailed(f"GET {path} answered {status}")
        return body

    def timed_get(self, path: str, headers: Mapping[str, str] | None = None) -> float:
        """Milliseconds from sending the request to having read the whole body."""
        started = time.perf_counter()
        self.get(path, headers)
        return (time.perf_counter() - started) * 1000

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        """POST a form (CSRF token from the cookie unless `fields` has one); follow redirects."""
        token = next((c.value for c in self.cookies if c.name == "csrftoken"), "") or ""
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        status, url, _body = self._open(path, body)
        return status, url

    def post(
        self, path: str, fields: Mapping[str, str | Sequence[str]], headers: Mapping[str, str]
    ) -> tuple[int, str, bytes]:
        """One POST of a form, CSRF token from the cookie, redirects not followed: status,
        Location (or the URL) and body. A list value repeats its field, as checkboxes do."""
        token = next((c.value for c in self.cookies if c.name == "csrftoken"), "") or ""
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}, doseq=True)
        return self._open(path, body.encode(), follow=False, headers=headers)

    def login(self, username: str, password: str) -> None:
        page = self.get("/users/login/").decode()
        match = _CSRF_INPUT.search(page)
        if match is None:
            raise RequestFailed("the login page has no CSRF token")
        status, url = self.post_form(
            "/users/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": match[1]},
        )
        signed_in = any(c.name == "sessionid" for c in self.cookies)
        if status != 200 or not signed_in or url.endswith("/users/login/"):
            raise RequestFailed(f"login as {username} failed ({status})")
