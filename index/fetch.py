"""HTTP fetching with the guards a server-side fetcher needs: a body size cap, a total time
limit, redirects followed one by one, and no requests to internal addresses (SSRF).

Every hop's host is resolved here, each address checked, and the connection made to the checked
address (the Host header and TLS SNI keep the name), so a name cannot resolve to a public address
for the check and to 127.0.0.1 for the request (DNS rebinding). Proxy variables are ignored for
the same reason: through a proxy the address checked is not the address reached.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from index.errors import AssistantError

USER_AGENT = "news-assistant/0.1 (news question answering; fetches pages it is given or watches)"
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
ALLOW_HINT = "set ASSISTANT_ALLOW_PRIVATE_URLS=true if you mean to fetch internal addresses"


class FetchError(AssistantError):
    """A URL that could not be fetched; `status` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class FetchLimits:
    """Caps for one fetch (the product fills them from Settings; index/ stays settings-free)."""

    max_bytes: int = 5_000_000
    timeout_s: float = 20.0
    allow_private: bool = False
    max_redirects: int = 5
    user_agent: str = USER_AGENT


@dataclass
class Response:
    """A fetched body. `url` is the address after redirects; `status` 200 or 304."""

    url: str
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        """The media type, lower case, without parameters ('' when the server gave none)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        raw = self.headers.get("content-type", "")
        if not raw:
            return None
        msg = Message()
        msg["content-type"] = raw
        value = msg.get_param("charset")
        return value if isinstance(value, str) else None


def _reason(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address is off limits, or None for an ordinary public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address reach that address: judge it instead.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address (cloud metadata services live there)"
    if ip.is_unspecified:
        return "the unspecified address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private-network address"
    if ip.is_reserved or not ip.is_global:
        return "a reserved address"
    return None


def _resolve(host: str, port: int, deadline: float) -> list[str]:
    """The addresses of `host`, within the time left (getaddrinfo itself has no timeout)."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    found: list[str] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            found.extend(dict.fromkeys(str(info[4][0]) for info in infos))
        except OSError as err:
            failure.append(err)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if worker.is_alive():
        raise FetchError(
            f"Could not look up the host {host}: the name lookup timed out; check the network."
        )
    if failure or not found:
        raise FetchError(
            f"Could not look up the host {host}: the name does not resolve; check the address "
            "and the network."
        )
    return found


def check_url(url: str, limits: FetchLimits, deadline: float | None = None) -> str:
    """The address to connect to for `url`; raise FetchError for a scheme or address the
    limits do not allow (every resolved address is checked, not just the first)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url}: only http(s) URLs with a host can be fetched; check the URL.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if deadline is None:
        deadline = time.monotonic() + limits.timeout_s
    addresses = _resolve(parts.hostname, port, deadline)
    if not limits.allow_private:
        for addr in addresses:
            why = _reason(ipaddress.ip_address(addr.split("%")[0]))
            if why:
                named = parts.hostname if parts.hostname == addr else f"{parts.hostname} ({addr})"
                raise FetchError(f"{url}: refused, {named} is {why}; {ALLOW_HINT}.")
    return addresses[0]


def _pinned(url: str, address: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """The URL rewritten to the checked address, its Host header and the TLS SNI name."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    ip_host = f"[{address}]" if ":" in address else address
    netloc = ip_host + (f":{parts.port}" if parts.port else "")
    target = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    host_header = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
    ext = {"sni_hostname": host} if parts.scheme == "https" else {}
    return target, {"Host": host_header}, ext


def _timeout(deadline: float, limits: FetchLimits) -> httpx.Timeout:
    left = max(0.05, deadline - time.monotonic())
    # One read may block for at most a quarter of the budget, so a server trickling bytes
    # overshoots the total limit by that much at worst (the loop checks the clock per chunk).
    return httpx.Timeout(left, read=min(left, max(0.5, limits.timeout_s / 4)))


def fetch(url: str, limits: FetchLimits, headers: dict[str, str] | None = None) -> Response:
    """GET `url` under `limits`; a 304 (for conditional `headers`) comes back with an empty
    body; any other failure is a one-line FetchError naming the URL and what to do."""
    deadline = time.monotonic() + limits.timeout_s
    current = url
    with httpx.Client(trust_env=False, follow_redirects=False, verify=True) as client:
        for _hop in range(limits.max_redirects + 1):
            address = check_url(current, limits, deadline)
            target, host, ext = _pinned(current, address)
            req_headers = {"User-Agent": limits.user_agent, "Accept": "*/*", **(headers or {})}
            req_headers.update(host)
            try:
                request = client.build_request(
                    "GET",
                    target,
                    headers=req_headers,
                    extensions=ext,
                    timeout=_timeout(deadline, limits),
                )
                resp = client.send(request, stream=True)
            except httpx.TimeoutException:
                raise FetchError(
                    f"Could not fetch {url}: no answer within {limits.timeout_s:g}s; try again "
                    "later or raise ASSISTANT_URL_TIMEOUT_S."
                ) from None
            except httpx.HTTPError as err:
                raise FetchError(
                    f"Could not fetch {current} ({type(err).__name__}: {_one_line(err)}); check "
                    "the URL and the network."
                ) from None
            try:
                if resp.status_code in (301, 302, 303, 307, 308):
                    location = resp.headers.get("location", "")
                    if not location:
                        raise FetchError(f"{current}: a redirect without a Location; fix the URL.")
                    current = urljoin(current, location)
                    continue
                return _read(resp, current, url, limits, deadline)
            finally:
                resp.close()
    raise FetchError(f"{url}: more than {limits.max_redirects} redirects; give the final URL.")


def _read(
    resp: httpx.Response, current: str, url: str, limits: FetchLimits, deadline: float
) -> Response:
    headers = {k.lower(): v for k, v in resp.headers.items()}
    if resp.status_code == 304:
        return Response(current, 304, b"", headers)
    if resp.status_code >= 400 or resp.status_code < 200:
        phrase = resp.reason_phrase or "error"
        hint = "check the URL" if resp.status_code < 500 else "the server failed; try again later"
        raise FetchError(
            f"Could not fetch {current}: HTTP {resp.status_code} {phrase}; {hint}.",
            resp.status_code,
        )
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise _too_big(current, limits)
    body = bytearray()
    try:
        for chunk in resp.iter_bytes():
            body.extend(chunk)
            if len(body) > limits.max_bytes:
                raise _too_big(current, limits)
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("total time limit")
    except httpx.TimeoutException:
        raise FetchError(
            f"Could not fetch {url}: the body took over {limits.timeout_s:g}s; try again later "
            "or raise ASSISTANT_URL_TIMEOUT_S."
        ) from None
    except httpx.HTTPError as err:
        raise FetchError(
            f"Could not fetch {current} ({type(err).__name__}: {_one_line(err)}); try again."
        ) from None
    return Response(current, resp.status_code, bytes(body), headers)


def _too_big(url: str, limits: FetchLimits) -> FetchError:
    return FetchError(
        f"{url}: the body is over {limits.max_bytes:,} bytes; raise ASSISTANT_MAX_URL_BYTES "
        "to index it."
    )


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split()) or type(err).__name__
