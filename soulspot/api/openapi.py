"""The OpenAPI 3.1 document of the /api endpoints, written as data, and a page that lists it.

tests/integration/test_openapi.py keeps it true to the code: every /api route and method is
here and nothing else is, and every integer range and enum matches what the parsers accept.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Blueprint, jsonify, render_template

from soulspot.api import library
from soulspot.api.params import MAX_OFFSET, MAX_STR_ARG
from soulspot.models import CandidateStatus, EntityKind, JobStatus, JobType, ProviderKind
from soulspot.services.settings import FIELDS, PROVIDER_NAMES

bp = Blueprint("openapi", __name__)

#: Endpoints that answer without the API key: they describe the API and hold no data.
PUBLIC_ENDPOINTS = frozenset({"api.openapi.document_json", "api.openapi.docs"})

JSON = "application/json"
HTML = "text/html"
ERROR_REF = {"$ref": "#/components/schemas/Error"}
STATUS_TEXT = {
    400: "Bad input: a parameter or body out of range or malformed.",
    401: "API_KEY is set and the request did not carry it.",
    403: "A state-changing request from another origin, without the API key.",
    404: "Unknown id.",
    409: "The provider id is linked to another entity already.",
    503: "No job runner in this process, or the provider is not configured or unreachable.",
}


@bp.get("/openapi.json")
def document_json() -> Any:
    return jsonify(document())


@bp.get("/docs")
def docs() -> Any:
    return render_template("pages/api_docs.html", operations=operation_list(document()))


# --- building blocks ----------------------------------------------------------------------


def _nullable(kind: str) -> dict[str, Any]:
    return {"type": [kind, "null"]}


def _obj(properties: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    """An object schema; by default every property is always present (the serialisers')."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(properties)
    return schema


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _query(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, "schema": schema, **extra}


def _int(name: str, default: int, minimum: int, maximum: int, description: str) -> dict:
    schema = {"type": "integer", "minimum": minimum, "maximum": maximum, "default": default}
    return _query(name, schema, description)


def _bool(name: str, default: bool | None, description: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "boolean"}
    if default is not None:
        schema["default"] = default
    return _query(name, schema, f"{description} (true/false, 1/0, yes/no, on/off)")


def _enum(name: str, values: list[str], description: str, default: str | None = None) -> dict:
    schema: dict[str, Any] = {"type": "string", "enum": values}
    if default is not None:
        schema["default"] = default
    return _query(name, schema, f"{description} (any letter case)")


def _text(name: str, description: str, *, required: bool = False) -> dict[str, Any]:
    schema = {"type": "string", "maxLength": MAX_STR_ARG}
    return _query(name, schema, description, required=required)


def _path(name: str, description: str) -> dict[str, Any]:
    schema = {"type": "string"}
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


def _paging(default_limit: int, max_limit: int) -> list[dict[str, Any]]:
    return [
        _int("limit", default_limit, 1, max_limit, "Page size."),
        _int("offset", 0, 0, MAX_OFFSET, "Items to skip."),
    ]


ENTITY_TYPE = _enum(
    "entity_type", [kind.value for kind in EntityKind], "Only this kind; absent: both."
)


def _op(
    tag: str,
    summary: str,
    ok: dict[str, Any],
    *,
    params: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
    body_required: bool = True,
    errors: tuple[int, ...] = (400,),
    ok_status: int = 200,
    description: str | None = None,
    writes: bool = True,
    public: bool = False,
    extra_ok: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One operation; 401 unless public, 403 for writes, the error envelope for other statuses."""
    codes = sorted({*errors, *(() if public else (401,)), *((403,) if writes else ())})
    responses: dict[str, Any] = {str(ok_status): ok, **(extra_ok or {})}
    responses.update({str(code): _error(STATUS_TEXT[code]) for code in codes})
    responses["default"] = _error("Any other error, in the same envelope.")
    operation: dict[str, Any] = {"tags": [tag], "summary": summary, "responses": responses}
    if description:
        operation["description"] = description
    if params:
        operation["parameters"] = params
    if body is not None:
        operation["requestBody"] = {
            "required": body_required,
            "content": {JSON: {"schema": body}},
        }
    return operation


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": ERROR_REF}}}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {HTML: {"schema": {"type": "string"}}}}


def _page(key: str, item: str) -> dict[str, Any]:
    return _obj(
        {
            key: {"type": "array", "items": _ref(item)},
            "total": {"type": "integer", "minimum": 0},
            "limit": {"type": "integer", "minimum": 1},
            "offset": {"type": "integer", "minimum": 0},
        }
    )


# --- schemas ------------------------------------------------------------------------------

_STR = {"type": "string"}
_N_STR = _nullable("string")
_N_INT = _nullable("integer")
_INT = {"type": "integer"}
_BOOL = {"type": "boolean"}
_OBJECT = {"type": "object"}
_TIME = {"type": ["string", "null"], "format": "date-time"}
_COUNT = {"type": "integer", "minimum": 0}


def _schemas() -> dict[str, Any]:
    artist = _obj(
        {
            "id": _STR,
            "name": _STR,
            "sort_name": _N_STR,
            "musicbrainz_id": _N_STR,
            "spotify_uri": _N_STR,
            "deezer_id": _N_STR,
            "disambiguation": _N_STR,
            "genres": {"type": "array", "items": _STR},
            "popularity": _N_INT,
            "image_url": _N_STR,
            "image_path": _N_STR,
            "has_local_files": _BOOL,
            "enrichment_attempted_at": _TIME,
            "enrichment_outcome": _N_STR,
            "link_sources": _OBJECT,
            "created_at": _TIME,
            "updated_at": _TIME,
        }
    )
    album = _obj(
        {
            "id": _STR,
            "artist_id": _STR,
            "artist_name": _STR,
            "title": _STR,
            "release_year": _N_INT,
            "album_type": _N_STR,
            "musicbrainz_id": _N_STR,
            "spotify_uri": _N_STR,
            "deezer_id": _N_STR,
            "disambiguation": _N_STR,
            "cover_url": _N_STR,
            "cover_path": _N_STR,
            "has_local_files": _BOOL,
            "link_sources": _OBJECT,
            "created_at": _TIME,
            "updated_at": _TIME,
        }
    )
    track = _obj(
        {
            "id": _STR,
            "album_id": _STR,
            "artist_id": _STR,
            "title": _STR,
            "artist_name": _N_STR,
            "track_number": _N_INT,
            "disc_number": _N_INT,
            "duration_ms": _N_INT,
            "isrc": _N_STR,
            "musicbrainz_recording_id": _N_STR,
            "file_path": _N_STR,
            "file_size": _N_INT,
            "file_mtime": _TIME,
            "created_at": _TIME,
            "updated_at": _TIME,
        }
    )
    job = _obj(
        {
            "id": _STR,
            "type": {"type": "string", "enum": [kind.value for kind in JobType]},
            "status": {"type": "string", "enum": [status.value for status in JobStatus]},
            "payload": _OBJECT,
            "progress": _obj({"processed": _N_INT, "total": _N_INT}),
            "result": _nullable("object"),
            "error": _N_STR,
            "created_at": _TIME,
            "started_at": _TIME,
            "finished_at": _TIME,
            "cancel_requested_at": _TIME,
        }
    )
    candidate = _obj(
        {
            "id": _STR,
            "entity_type": {"type": "string", "enum": [kind.value for kind in EntityKind]},
            "entity_id": _STR,
            "entity_name": _STR,
            "provider": _STR,
            "spotify_uri": _STR,
            "spotify_name": _N_STR,
            "spotify_image_url": _N_STR,
            "confidence_score": {"type": "number"},
            "extra_info": _OBJECT,
            "status": {"type": "string", "enum": [status.value for status in CandidateStatus]},
            "created_at": _TIME,
        }
    )
    repair_counts = _obj(
        {"processed": _COUNT, "repaired": _COUNT, "skipped": _COUNT, "failed": _COUNT}
    )
    summary = _obj(
        {
            "total_processed": _COUNT,
            "total_repaired": _COUNT,
            "mode": {"type": "string", "enum": ["cdn_only", "api"]},
            "cut_short": _BOOL,
            "cancelled": _BOOL,
        }
    )
    summary["properties"]["note"] = _STR  # only when there is one
    setting = {
        "type": "object",
        "properties": {
            "value": {},
            "set": _BOOL,
            "source": {"type": "string", "enum": ["default", "environment", "database"]},
        },
        "required": ["source"],
    }
    return {
        "Error": _obj({"error": _STR, "detail": _STR}),
        "Artist": artist,
        "ArtistDetail": {
            "allOf": [_ref("Artist"), _obj({"albums": {"type": "array", "items": _ref("Album")}})]
        },
        "Album": album,
        "AlbumDetail": {
            "allOf": [_ref("Album"), _obj({"tracks": {"type": "array", "items": _ref("Track")}})]
        },
        "Track": track,
        "Job": job,
        "Candidate": candidate,
        "JobSubmitted": _obj({"job_id": _STR, "message": _STR, "created": _BOOL}),
        "Success": _obj({"success": {"const": True}, "message": _STR}),
        "Status": _obj(
            {
                "artists_unenriched": _COUNT,
                "albums_unenriched": _COUNT,
                "pending_candidates": _COUNT,
                "is_enrichment_needed": _BOOL,
                "is_running": _BOOL,
                "last_job_completed": _nullable("boolean"),
                "progress": {
                    "oneOf": [
                        {"type": "null"},
                        _obj({"job_id": _STR, "processed": _N_INT, "total": _N_INT}),
                    ]
                },
                "last_job": {
                    "oneOf": [
                        {"type": "null"},
                        _obj({"job_id": _STR, "status": _STR, "error": _N_STR}),
                    ]
                },
                "linked": _obj(
                    {
                        "artists_spotify": _COUNT,
                        "artists_deezer": _COUNT,
                        "albums_spotify": _COUNT,
                        "albums_deezer": _COUNT,
                    }
                ),
                "queued_work": {"type": "object", "additionalProperties": _COUNT},
                "nightly_chain": _obj(
                    {
                        "running_job_id": _N_STR,
                        "last": {
                            "oneOf": [
                                {"type": "null"},
                                _obj(
                                    {
                                        "job_id": _STR,
                                        "status": _STR,
                                        "finished_at": _TIME,
                                        "failed_steps": {"type": "array"},
                                    }
                                ),
                            ]
                        },
                    }
                ),
                "next_runs": {
                    "type": "object",
                    "description": "When each schedule of this process fires next.",
                    "additionalProperties": {"type": "string", "format": "date-time"},
                },
            }
        ),
        "RepairReport": _obj(
            {"artists": repair_counts, "albums": repair_counts, "summary": summary}
        ),
        "Settings": _obj(
            {"settings": _obj({key: setting for key in FIELDS})},
        ),
        "ProviderCheck": _obj(
            {
                "provider": {"type": "string", "enum": [kind.value for kind in PROVIDER_NAMES]},
                "ok": _BOOL,
                "message": _STR,
            }
        ),
    }


# --- the paths ----------------------------------------------------------------------------


def _paths() -> dict[str, Any]:
    submitted = _json("The queued job, or the running one (`created` false).", _ref("JobSubmitted"))
    queue_errors = (503,)
    candidate_id = _path("candidate_id", "A candidate's id.")
    entity_body = {
        "type": "object",
        "required": ["entity_type", "entity_id"],
        "properties": {
            "entity_type": {"type": "string", "enum": [kind.value for kind in EntityKind]},
            "entity_id": {"type": "string", "minLength": 1},
        },
    }
    link_body = {
        **entity_body,
        "required": [*entity_body["required"], "spotify_uri"],
        "properties": {
            **entity_body["properties"],
            "spotify_uri": {
                "type": "string",
                "description": "spotify:<type>:<id> or an open.spotify.com URL",
            },
        },
    }
    unlink_body = {
        **entity_body,
        "properties": {
            **entity_body["properties"],
            "provider": {
                "type": "string",
                "enum": [kind.value for kind in ProviderKind],
                "default": ProviderKind.SPOTIFY.value,
            },
        },
    }
    library_filters = [_text("q", "Name contains."), _bool("unenriched", False, "Only unenriched")]
    return {
        "/api/openapi.json": {
            "get": _op(
                "docs",
                "This document (no API key needed).",
                _json("The OpenAPI 3.1 document.", _OBJECT),
                errors=(),
                writes=False,
                public=True,
            )
        },
        "/api/docs": {
            "get": _op(
                "docs",
                "This document as a page (no API key needed).",
                _html("The operations, listed."),
                errors=(),
                writes=False,
                public=True,
            )
        },
        "/api/library/artists": {
            "get": _op(
                "library",
                "List artists, by name.",
                _json("A page of artists.", _page("artists", "Artist")),
                params=[*_paging(50, library.MAX_LIMIT), *library_filters],
                writes=False,
            )
        },
        "/api/library/artists/{artist_id}": {
            "get": _op(
                "library",
                "One artist with its albums.",
                _json("The artist.", _ref("ArtistDetail")),
                params=[_path("artist_id", "An artist's id.")],
                errors=(404,),
                writes=False,
            )
        },
        "/api/library/albums": {
            "get": _op(
                "library",
                "List albums.",
                _json("A page of albums.", _page("albums", "Album")),
                params=[
                    *_paging(50, library.MAX_LIMIT),
                    _text("artist_id", "Only this artist's albums."),
                    *library_filters,
                    _bool("has_local_files", None, "Only with (true) or without local files"),
                ],
                writes=False,
            )
        },
        "/api/library/albums/{album_id}": {
            "get": _op(
                "library",
                "One album with its tracks.",
                _json("The album.", _ref("AlbumDetail")),
                params=[_path("album_id", "An album's id.")],
                errors=(404,),
                writes=False,
            )
        },
        "/api/library/scan": {
            "post": _op(
                "library",
                "Queue a LIBRARY_SCAN of a folder.",
                _json("Queued.", _ref("JobSubmitted")),
                ok_status=202,
                extra_ok={"200": _json("A scan runs already: its id.", _ref("JobSubmitted"))},
                body=_obj({"path": {"type": "string", "minLength": 1}}),
                errors=(400, *queue_errors),
                description="Only a folder under MUSIC_DIRS when that is set, never a system "
                "folder (400 `path_not_allowed`).",
            )
        },
        "/api/jobs": {
            "get": _op(
                "jobs",
                "Recent jobs, newest first.",
                _json("A page of jobs.", _page("jobs", "Job")),
                params=[
                    _enum("type", [kind.value for kind in JobType], "Only this type."),
                    _enum("status", [status.value for status in JobStatus], "Only this status."),
                    *_paging(20, 200),
                ],
                writes=False,
            )
        },
        "/api/jobs/{job_id}": {
            "get": _op(
                "jobs",
                "One job's progress and outcome.",
                _json("The job.", _ref("Job")),
                params=[_path("job_id", "A job's id.")],
                errors=(404,),
                writes=False,
            )
        },
        "/api/jobs/{job_id}/cancel": {
            "post": _op(
                "jobs",
                "Cancel a job: a PENDING one at once, a RUNNING one at its next checkpoint.",
                _json("The job.", _ref("Job")),
                params=[_path("job_id", "A job's id.")],
                errors=(400, 404),
            )
        },
        "/api/enrichment/status": {
            "get": _op(
                "enrichment",
                "What is unenriched, pending and running.",
                _json("The status.", _ref("Status")),
                errors=(),
                writes=False,
            )
        },
        "/api/enrichment/trigger": {
            "post": _op(
                "enrichment",
                "Queue a LIBRARY_SPOTIFY_ENRICHMENT job.",
                submitted,
                errors=queue_errors,
            )
        },
        "/api/enrichment/candidates": {
            "get": _op(
                "enrichment",
                "Candidates for review, confidence descending.",
                _json("A page of candidates.", _page("candidates", "Candidate")),
                params=[
                    ENTITY_TYPE,
                    _enum(
                        "status",
                        [status.value for status in CandidateStatus],
                        "Only this status.",
                        default=CandidateStatus.PENDING.value,
                    ),
                    *_paging(50, 200),
                ],
                writes=False,
            )
        },
        "/api/enrichment/candidates/{candidate_id}/apply": {
            "post": _op(
                "enrichment",
                "Link the entity to the candidate's provider id.",
                _json(
                    "Applied; for an artist also `albums_follow_up`.",
                    {
                        "allOf": [
                            _ref("Success"),
                            _obj({"spotify_uri": _STR, "entity_type": _STR, "entity_id": _STR}),
                        ],
                        "properties": {"albums_follow_up": {"const": "queued"}},
                    },
                ),
                params=[candidate_id],
                errors=(400, 404, 409),
            )
        },
        "/api/enrichment/candidates/{candidate_id}/reject": {
            "post": _op(
                "enrichment",
                "Reject a pending candidate.",
                _json("Rejected.", _ref("Success")),
                params=[candidate_id],
                errors=(400, 404),
            )
        },
        "/api/enrichment/candidates/{candidate_id}/reopen": {
            "post": _op(
                "enrichment",
                "Make a rejected candidate pending again.",
                _json(
                    "Pending again.",
                    {"allOf": [_ref("Success"), _obj({"candidate": _ref("Candidate")})]},
                ),
                params=[candidate_id],
                errors=(400, 404),
            )
        },
        "/api/enrichment/link": {
            "post": _op(
                "enrichment",
                "Link an entity to a Spotify id by hand (looked up on Spotify first).",
                _json(
                    "Linked.",
                    {"allOf": [_ref("Success"), _obj({"spotify_uri": _STR})]},
                ),
                body=link_body,
                errors=(400, 404, 409, 503),
            )
        },
        "/api/enrichment/unlink": {
            "post": _op(
                "enrichment",
                "Undo a link; it becomes a rejected candidate, never proposed again.",
                _json(
                    "Unlinked.",
                    {
                        "allOf": [
                            _ref("Success"),
                            _obj(
                                {
                                    "provider": _STR,
                                    "spotify_uri": _N_STR,
                                    "deezer_id": _N_STR,
                                    "musicbrainz_id": _N_STR,
                                }
                            ),
                        ]
                    },
                ),
                body=unlink_body,
                errors=(400, 404),
            )
        },
        "/api/enrichment/disambiguation": {
            "post": _op(
                "musicbrainz",
                "MusicBrainz identity for due artists, within MUSICBRAINZ_REQUEST_BUDGET.",
                _html("HTMX fragment `div.musicbrainz-result` with `data-outcome`."),
                body={
                    "type": "object",
                    "properties": {
                        "limit": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}
                    },
                },
                body_required=False,
            )
        },
        "/api/enrichment/disambiguation/job": {
            "post": _op(
                "musicbrainz",
                "Queue a MUSICBRAINZ_DISAMBIGUATION job over every due artist.",
                submitted,
                errors=queue_errors,
            )
        },
        "/api/enrichment/repair-artwork": {
            "post": _op(
                "artwork",
                "Cache missing images, within ARTWORK_REQUEST_BUDGET.",
                _json("What was repaired, skipped and failed.", _ref("RepairReport")),
                params=[
                    ENTITY_TYPE,
                    _bool("use_api", False, "Search Deezer for missing image URLs"),
                    _int("limit", 100, 1, 500, "Entities per kind."),
                ],
            )
        },
        "/api/enrichment/reset-failed-images": {
            "post": _op(
                "artwork",
                "Clear FAILED image markers so repair tries again.",
                _json(
                    "How many were reset.",
                    _obj({"reset_artists": _COUNT, "reset_albums": _COUNT}),
                ),
                params=[ENTITY_TYPE],
            )
        },
        "/api/enrichment/auto-fetch-images": {
            "post": _op(
                "artwork",
                "HTMX: fetch a few missing images from Deezer.",
                _html("A hidden `#auto-fetch-result` fragment with counts, or an empty body."),
                params=[ENTITY_TYPE, _int("limit", 20, 1, 100, "Entities to try.")],
            )
        },
        "/api/enrichment/auto-fetch-discography": {
            "post": _op(
                "discography",
                "HTMX: add an artist's provider albums (and tracks).",
                _html("A hidden `#auto-fetch-result` fragment with counts, or an empty body."),
                params=[
                    _text("artist_id", "The artist.", required=True),
                    _bool("include_tracks", True, "Store the albums' tracks too"),
                ],
                errors=(400, 404),
            )
        },
        "/api/enrichment/auto-fetch-discography/job": {
            "post": _op(
                "discography",
                "Queue a DISCOGRAPHY_FETCH job; without ids, every linked artist with files.",
                submitted,
                body={
                    "type": "object",
                    "properties": {
                        "artist_ids": {
                            "type": "array",
                            "minItems": 1,
                            "items": {"type": "string", "minLength": 1},
                        },
                        "include_tracks": {"type": "boolean", "default": True},
                    },
                },
                body_required=False,
                errors=(400, 404, *queue_errors),
            )
        },
        "/api/settings": {
            "get": _op(
                "settings",
                "Each setting's value and where it comes from.",
                _json("The settings.", _ref("Settings")),
                errors=(),
                writes=False,
            ),
            "put": _op(
                "settings",
                "Change settings at once (all or nothing); null removes a saved value.",
                _json("The settings, with the change in effect.", _ref("Settings")),
                body={
                    "type": "object",
                    "properties": {key: {} for key in FIELDS},
                    "additionalProperties": False,
                },
                errors=(400, 503),
            ),
        },
        "/api/settings/test/{name}": {
            "post": _op(
                "settings",
                "One request to a provider, without retries.",
                _json("What the provider answered.", _ref("ProviderCheck")),
                params=[_path("name", "spotify, deezer or musicbrainz")],
                errors=(404,),
            )
        },
    }


@cache
def document() -> dict[str, Any]:
    """The whole document (built once; it depends on code only, not on config)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SoulSpot Enrichment API",
            "version": "1",
            "description": 'Errors are always {"error": code, "detail": message}. '
            "With API_KEY set, send it as X-API-Key (or Authorization: Bearer).",
        },
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
        # {} first: without API_KEY configured no key is needed
        "security": [{}, {"apiKey": []}, {"bearer": []}],
    }


def operation_list(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The operations as the docs page shows them, in document order."""
    listed = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            body = operation.get("requestBody")
            listed.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "tag": operation["tags"][0],
                    "summary": operation["summary"],
                    "description": operation.get("description"),
                    "parameters": [
                        {
                            "name": param["name"],
                            "in": param["in"],
                            "required": param.get("required", False),
                            "schema": _describe(param["schema"]),
                            "description": param.get("description", ""),
                        }
                        for param in operation.get("parameters", [])
                    ],
                    "body": _describe_body(body["content"][JSON]["schema"]) if body else None,
                    "responses": [
                        (status, response["description"])
                        for status, response in operation["responses"].items()
                    ],
                }
            )
    return listed


def _describe(schema: dict[str, Any]) -> str:
    """A short text for a parameter schema: type, range or choices, default."""
    text = str(schema.get("type", "any"))
    if "enum" in schema:
        text = " | ".join(schema["enum"])
    if "minimum" in schema:
        text += f" {schema['minimum']}–{schema['maximum']}"
    if "maxLength" in schema:
        text += f", ≤ {schema['maxLength']} chars"
    if "default" in schema:
        text += f" (default {str(schema['default']).lower()})"
    return text


def _describe_body(schema: dict[str, Any]) -> str:
    fields = [
        f"{name}: {_describe(field) if field else 'any'}"
        for name, field in schema.get("properties", {}).items()
    ]
    return "{" + ", ".join(fields) + "}"
