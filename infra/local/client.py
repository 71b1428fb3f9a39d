"""A small HTTP client of the OneWindow API, as a script or a front end would use it.

Used by `make demo`, the e2e test and the benchmarks, against the local or a deployed stack.
"""

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

import requests


class ApiError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


@dataclass
class OneWindowClient:
    api_url: str
    token: str | None = None
    session: requests.Session = field(default_factory=requests.Session)
    timeout: float = 30.0

    def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200, 201),
    ) -> Any:
        all_headers = dict(headers or {})
        if self.token:
            all_headers["Authorization"] = self.token
        response = self.session.request(
            method,
            self.api_url.rstrip("/") + path,
            json=body,
            params=params,
            headers=all_headers,
            timeout=self.timeout,
        )
        data = response.json() if response.content else None
        if response.status_code not in expect:
            raise ApiError(response.status_code, data)
        return data

    def as_user(self, token: str) -> "OneWindowClient":
        return OneWindowClient(self.api_url, token, self.session, self.timeout)

    # -- the API ------------------------------------------------------------------------
    def catalog(self, **params: Any) -> Any:
        return self.call("GET", "/catalog/items", params=params)

    def catalog_item(self, item_id: str) -> Any:
        return self.call("GET", f"/catalog/items/{item_id}")

    def create(self, body: dict[str, Any], idempotency_key: str | None = None) -> Any:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self.call("POST", "/applications", body=body, headers=headers)

    def upload(
        self, application_id: str, code: str, content: bytes, content_type: str, file_name: str
    ) -> Any:
        grant = self.call(
            "POST",
            f"/applications/{application_id}/materials",
            body={
                "materialCode": code,
                "fileName": file_name,
                "contentType": content_type,
                "size": len(content),
            },
        )
        posted = self.session.post(
            grant["url"],
            data=grant["fields"],
            files={"file": (file_name, content, content_type)},
            timeout=self.timeout,
        )
        if posted.status_code not in (200, 201, 204):
            raise ApiError(posted.status_code, posted.text)
        return grant

    def submit(self, application_id: str) -> Any:
        return self.call("POST", f"/applications/{application_id}/submit")

    def application(self, application_id: str) -> Any:
        return self.call("GET", f"/applications/{application_id}")

    def result(self, application_id: str) -> Any:
        return self.call("GET", f"/applications/{application_id}/result")

    def rate(self, application_id: str, rating: int, comment: str = "") -> Any:
        return self.call(
            "POST",
            f"/applications/{application_id}/feedback",
            body={"rating": rating, "comment": comment},
        )

    def inbox(self, department: str | None = None, limit: int = 100) -> Any:
        params: dict[str, Any] = {"limit": limit}
        if department:
            params["department"] = department
        return self.call("GET", "/tasks", params=params)

    def decide(self, task_id: str, decision: str, comment: str = "") -> Any:
        return self.call(
            "POST", f"/tasks/{task_id}/decision", body={"decision": decision, "comment": comment}
        )

    def window_queue(self, limit: int = 100) -> Any:
        return self.call("GET", "/window/tasks", params={"limit": limit})

    def accept_at_window(self, task_id: str) -> Any:
        return self.call("POST", f"/window/tasks/{task_id}/decision", body={"outcome": "accept"})

    def verify(self, certificate_no: str, code: str) -> Any:
        return self.call("GET", f"/verify/{certificate_no}", params={"code": code})


PDF_SAMPLE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Sample applicants with valid check characters, and a postal address in the zone: what the
# demo, the benchmarks and the tests file applications with.
SAMPLE_PERSON = {
    "kind": "person",
    "name": "张伟",
    "idNumber": "11010519491231002X",
    "phone": "13800138000",
}
SAMPLE_ENTERPRISE = {
    "kind": "enterprise",
    "name": "烟台海川新材料有限公司",
    "creditCode": "91350100M000100Y43",
    "legalRepresentative": "李娜",
    "phone": "13800138000",
}
SAMPLE_ADDRESS = {
    "recipient": "李娜",
    "phone": "13800138000",
    "province": "山东省",
    "city": "烟台市",
    "district": "经济技术开发区",
    "street": "长江路100号",
    "postalCode": "264006",
}


def sample_value(spec: dict[str, Any]) -> str | int | float:
    """A plausible value for one form field (its JSON form), valid for its kind."""
    kind = spec.get("kind", "text")
    if kind == "number":
        low, high = spec.get("minimum"), spec.get("maximum")
        value = float(low) if low is not None else 1.0
        if high is not None and value > float(high):
            value = float(high)
        return int(value) if value.is_integer() else value
    samples: dict[str, str] = {
        "date": "2026-12-15",
        "resident_id": SAMPLE_PERSON["idNumber"],
        "credit_code": SAMPLE_ENTERPRISE["creditCode"],
        "phone": SAMPLE_PERSON["phone"],
    }
    if kind == "select":
        return str(spec["options"][0]["value"])
    text = samples.get(kind) or f"{spec['labelZh']}（示例）"
    return text[: int(spec.get("maxLength", 200))]


def sample_form(item: dict[str, Any]) -> dict[str, str | int | float]:
    """Plausible, valid values for every field of an item's form (the item as JSON)."""
    return {f["name"]: sample_value(f) for f in item["formFields"]}


def uploaded_materials(item: dict[str, Any]) -> list[dict[str, Any]]:
    """The required materials the applicant uploads (not those from shared data)."""
    return [
        m
        for m in item["materials"]
        if m["required"] and m.get("source", "applicant") == "applicant"
    ]


def upload_required(
    client: OneWindowClient,
    application_id: str,
    item: dict[str, Any],
    skip: AbstractSet[str] = frozenset(),
) -> None:
    for material in uploaded_materials(item):
        if material["code"] not in skip:
            client.upload(
                application_id,
                material["code"],
                PDF_SAMPLE,
                material["contentTypes"][0],
                f"{material['code'].lower()}.pdf",
            )
