//! `GET /api/openapi.json`: the OpenAPI 3.1 document of every `/api` route,
//! written by hand next to the routes it describes (a test checks that every
//! route is in it and CI validates it with `openapi-spec-validator`).

use axum::Json;
use serde_json::{Value, json};

fn problem_response(description: &str) -> Value {
    json!({"description": description,
           "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
}

fn json_response(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn json_body(schema: Value) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema}}})
}

fn path_parameter(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description, "schema": {"type": "string"}})
}

fn language_parameter() -> Value {
    json!({"name": "lang", "in": "query", "required": false,
           "description": "Language of messages: kk (default), ru or en; else Accept-Language.",
           "schema": {"type": "string", "enum": ["kk", "ru", "en"]}})
}

/// The document.
pub fn openapi() -> Value {
    let mut document = core_document();
    if let Some(paths) = document["paths"].as_object_mut()
        && let Value::Object(evidence) = evidence_paths()
    {
        paths.extend(evidence);
    }
    if let Some(paths) = document["paths"].as_object_mut()
        && let Value::Object(linked) = super::linked::openapi_paths()
    {
        paths.extend(linked);
    }
    if let Some(paths) = document["paths"].as_object_mut()
        && let Value::Object(deliveries) = super::deliveries::openapi_paths()
    {
        paths.extend(deliveries);
    }
    if let Some(paths) = document["paths"].as_object_mut()
        && let Value::Object(staff) = super::staff::openapi_paths()
    {
        paths.extend(staff);
    }
    // By operation: `/api/v1/cases` has the queue's `get` and the paper
    // registration's `post`.
    if let Some(paths) = document["paths"].as_object_mut()
        && let Value::Object(coordinator) = super::coordinator::openapi_paths()
    {
        for (path, operations) in coordinator {
            match (paths.get_mut(&path), operations) {
                (Some(Value::Object(existing)), Value::Object(operations)) => {
                    existing.extend(operations)
                }
                (_, operations) => {
                    paths.insert(path, operations);
                }
            }
        }
    }
    document["components"]["schemas"]["EvidenceItem"] = evidence_item_schema();
    document
}

/// The evidence and log routes (`api/evidence.rs`).
fn evidence_paths() -> Value {
    json!({
            "/api/v1/applications/{case_id}/evidence": {"get": {
                "summary": "The case's evidence: captures, re-captures and uploads (the applicant or staff)",
                "security": [{"accessCode": []}, {"staffToken": []}],
                "parameters": [path_parameter("case_id", "The case number."), language_parameter()],
                "responses": {
                    "200": json_response("Evidence items, in the order first recorded.", json!({"type": "array", "items": {"$ref": "#/components/schemas/EvidenceItem"}})),
                    "404": problem_response("No such case, or not the applicant or staff.")
                }
            }},
            "/api/v1/applications/{case_id}/evidence/{evidence_id}": {"get": {
                "summary": "The stored file of an evidence item (a WARC file for captures), verified against its digest",
                "security": [{"accessCode": []}, {"staffToken": []}],
                "parameters": [path_parameter("case_id", "The case number."), path_parameter("evidence_id", "The evidence item."), language_parameter()],
                "responses": {
                    "200": {"description": "The bytes as stored.", "content": {
                        "application/warc": {"schema": {"type": "string", "contentMediaType": "application/warc"}},
                        "application/octet-stream": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}}}},
                    "404": problem_response("No such item, nothing was kept, or not the applicant or staff."),
                    "500": problem_response("The stored file is damaged (code evidence_damaged); it is never served.")
                }
            }},
            "/api/v1/applications/{case_id}/evidence/{evidence_id}/receipt": {"get": {
                "summary": "The item's receipt: digest, time, log index, inclusion proof and signed checkpoint (`qorgau receipt verify` checks it offline)",
                "security": [{"accessCode": []}, {"staffToken": []}],
                "parameters": [path_parameter("case_id", "The case number."), path_parameter("evidence_id", "The evidence item."), language_parameter()],
                "responses": {
                    "200": json_response("The receipt (format qorgau-receipt/1).", json!({"type": "object",
                        "required": ["format", "digest", "kind", "captured_at", "log_index", "entry", "inclusion_proof", "checkpoint"],
                        "properties": {"format": {"type": "string"}, "digest": {"type": "string"}, "kind": {"type": "string"},
                            "captured_at": {"type": "string", "format": "date-time"}, "log_index": {"type": "integer"},
                            "entry": {"type": "string"}, "inclusion_proof": {"type": "array", "items": {"type": "string"}},
                            "checkpoint": {"type": "string"},
                            "public_key": {"type": "string", "description": "The log's public key that signed the checkpoint (name+hash+base64). A convenience for offline checks, not a proof: compare it with GET /api/v1/log/public-key."}}})),
                    "404": problem_response("No such item, not logged, or not the applicant or staff.")
                }
            }},
            "/api/v1/log/checkpoint": {"get": {
                "summary": "The transparency log's latest signed checkpoint (C2SP tlog-checkpoint in a signed note)",
                "responses": {"200": {"description": "The signed note.", "content": {"text/plain": {"schema": {"type": "string"}}}}}
            }},
            "/api/v1/log/public-key": {"get": {
                "summary": "The log's public key (name+key ID+base64), for `qorgau receipt verify --public-key`",
                "responses": {"200": {"description": "The verifier key.", "content": {"text/plain": {"schema": {"type": "string"}}}}}
            }},
            "/api/v1/log/proof/inclusion": {"get": {
                "summary": "Inclusion proof of a leaf (RFC 9162 §2.1.3; RFC 6962 get-proof-by-hash, by index or evidence item)",
                "description": "Give `index` or `evidence_id` (one of the two). Against the tree of `tree_size` leaves, or by default the latest checkpoint, whose signed note is returned with the proof. Hashes are lowercase hex, as in receipts. Public: leaves hold digests and metadata only.",
                "parameters": [
                    {"name": "index", "in": "query", "required": false, "description": "The leaf index.", "schema": {"type": "integer", "minimum": 0}},
                    {"name": "evidence_id", "in": "query", "required": false, "description": "An evidence item (its leaf).", "schema": {"type": "string"}},
                    {"name": "tree_size", "in": "query", "required": false, "description": "The tree the proof is against (at most the log's size).", "schema": {"type": "integer", "minimum": 0}},
                    language_parameter()],
                "responses": {
                    "200": json_response("The proof.", json!({"type": "object",
                        "required": ["leaf_index", "tree_size", "entry", "leaf_hash", "inclusion_proof", "root_hash", "checkpoint"],
                        "properties": {"leaf_index": {"type": "integer"}, "tree_size": {"type": "integer"},
                            "entry": {"type": "string", "description": "The leaf's entry (compact JSON), as hashed."},
                            "leaf_hash": {"type": "string"}, "inclusion_proof": {"type": "array", "items": {"type": "string"}},
                            "root_hash": {"type": "string"},
                            "checkpoint": {"type": ["string", "null"], "description": "The signed note of the tree, when tree_size was not given."}}})),
                    "404": problem_response("No such evidence item, or it has no leaf."),
                    "422": problem_response("A field that does not fit the log (codes invalid, required, index_out_of_range, tree_size_beyond_log), named in errors.")
                }
            }},
            "/api/v1/log/proof/consistency": {"get": {
                "summary": "Consistency proof between two tree sizes (RFC 9162 §2.1.4; RFC 6962 get-sth-consistency)",
                "parameters": [
                    {"name": "first", "in": "query", "required": true, "description": "The older tree's size.", "schema": {"type": "integer", "minimum": 0}},
                    {"name": "second", "in": "query", "required": false, "description": "The newer tree's size; by default the latest checkpoint, returned with the proof.", "schema": {"type": "integer", "minimum": 0}},
                    language_parameter()],
                "responses": {
                    "200": json_response("The proof.", json!({"type": "object",
                        "required": ["first", "second", "first_root", "second_root", "consistency_proof", "checkpoint"],
                        "properties": {"first": {"type": "integer"}, "second": {"type": "integer"},
                            "first_root": {"type": "string"}, "second_root": {"type": "string"},
                            "consistency_proof": {"type": "array", "items": {"type": "string"}},
                            "checkpoint": {"type": ["string", "null"]}}})),
                    "422": problem_response("A field that does not fit the log (codes invalid, required, first_after_second, tree_size_beyond_log), named in errors.")
                }
            }},
            "/api/v1/cases/{case_id}/captures": {"post": {
                "summary": "Capture one of the case's URLs now (a coordinator or an expert)",
                "description": "Queues the same durable capture job as intake; the item appears in the case's evidence once taken (or its failure, with the reason).",
                "security": [{"staffToken": []}],
                "parameters": [path_parameter("case_id", "The case number."), language_parameter()],
                "requestBody": json_body(json!({"type": "object", "required": ["url"], "properties": {
                    "url": {"type": "string", "description": "A URL the case names (a reported resource or an order's URL)."}}})),
                "responses": {
                    "202": json_response("Queued.", json!({"type": "object", "required": ["evidence_id", "url", "status"], "properties": {
                        "evidence_id": {"type": "string"}, "url": {"type": "string"}, "status": {"type": "string", "enum": ["queued"]},
                        "evidence": {"type": "string"}}})),
                    "400": problem_response("Not JSON."),
                    "401": problem_response("Not signed in."),
                    "404": problem_response("No such case."),
                    "422": problem_response("No url, or one the case does not name (code not_a_case_url).")
                }
            }},
            "/api/v1/applications/{case_id}/evidence/{evidence_id}/screenshot": {"get": {
                "summary": "The PNG screenshot headless Chromium took of a capture, verified against its digest",
                "security": [{"accessCode": []}, {"staffToken": []}],
                "parameters": [path_parameter("case_id", "The case number."), path_parameter("evidence_id", "The evidence item."), language_parameter()],
                "responses": {
                    "200": {"description": "The PNG.", "content": {"image/png": {"schema": {"type": "string", "contentMediaType": "image/png"}}}},
                    "404": problem_response("No such item, no screenshot, or not the applicant or staff."),
                    "500": problem_response("The stored file is damaged (code evidence_damaged).")
                }
            }},
            "/api/v1/applications/{case_id}/evidence/{evidence_id}/dom": {"get": {
                "summary": "The DOM headless Chromium rendered for a capture (HTML, served as a download), verified against its digest",
                "security": [{"accessCode": []}, {"staffToken": []}],
                "parameters": [path_parameter("case_id", "The case number."), path_parameter("evidence_id", "The evidence item."), language_parameter()],
                "responses": {
                    "200": {"description": "The serialized DOM.", "content": {"text/plain": {"schema": {"type": "string"}}}},
                    "404": problem_response("No such item, no DOM snapshot, or not the applicant or staff."),
                    "500": problem_response("The stored file is damaged (code evidence_damaged).")
                }
            }}
    })
}

fn evidence_item_schema() -> Value {
    json!({
        "type": "object",
        "required": ["id", "kind", "url", "digest", "captured_at", "status", "reason"],
        "properties": {
            "id": {"type": "string"},
            "kind": {"type": "string", "enum": ["capture", "upload", "recapture"]},
            "url": {"type": "string"},
            "digest": {"type": ["string", "null"], "description": "sha256:<hex> of the stored file"},
            "captured_at": {"type": ["string", "null"], "format": "date-time"},
            "status": {"type": "string", "enum": ["ok", "failed"]},
            "reason": {"type": ["string", "null"], "description": "Why it failed: dns, timeout, refused_address, http_status, …"},
            "size": {"type": ["integer", "null"]},
            "log_index": {"type": ["integer", "null"]},
            "original_id": {"type": ["string", "null"]},
            "attempts": {"type": "integer"},
            "retry_at": {"type": ["string", "null"], "format": "date-time"},
            "order_id": {"type": ["string", "null"]},
            "removal": {"type": ["string", "null"], "enum": ["removed", "still_present", "unreachable", null]},
            "file": {"type": ["string", "null"]},
            "receipt": {"type": ["string", "null"]},
            "screenshot": {"type": ["string", "null"], "description": "The browser's PNG screenshot of a capture, when one was taken."},
            "dom": {"type": ["string", "null"], "description": "The browser's DOM snapshot of a capture, when one was taken."}
        }
    })
}

fn core_document() -> Value {
    let object = |properties: Value| json!({"type": "object", "properties": properties});
    // The transparency log a publication was read at (docs/statistics.md).
    let log_source_schema = json!({"type": "object",
        "description": "The transparency log the figures were read at: its size then, and the latest signed checkpoint (tree size, root hash in hex), signed just before; an auditor replays the record up to the checkpoint and recomputes every figure.",
        "properties": {"log_size": {"type": "integer"}, "checkpoint_tree_size": {"type": ["integer", "null"]}, "checkpoint_root": {"type": ["string", "null"]}}});
    let any_object = json!({"type": "object"});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Qorgau",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Protecting children from cyberbullying and cyberstalking: applications, the expert group's decisions, removal orders. Errors are RFC 9457 problem details in the request's language.",
        },
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {
                "accessCode": {"type": "http", "scheme": "bearer", "description": "The applicant's access code, given when the application was filed."},
                "staffToken": {"type": "http", "scheme": "bearer", "description": "A token from POST /api/v1/auth/token."},
                "ownerApiKey": {"type": "http", "scheme": "bearer", "description": "A resource owner's API key."}
            },
            "schemas": {
                "Problem": {
                    "type": "object",
                    "required": ["type", "title", "status", "detail"],
                    "properties": {
                        "type": {"type": "string"}, "title": {"type": "string"},
                        "status": {"type": "integer"}, "detail": {"type": "string"},
                        "code": {"type": "string"},
                        "errors": {"type": "array", "items": {"type": "object",
                            "required": ["field", "code", "message"],
                            "properties": {"field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}}
                    }
                },
                "Application": {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {
                        "language": {"type": "string", "enum": ["kk", "ru", "en"]},
                        "applicant": object(json!({
                            "name": {"type": "string"},
                            "relation": {"type": "string", "enum": ["parent", "legal_representative", "child", "citizen"]},
                            "email": {"type": "string"}, "phone": {"type": "string"},
                            "iin": {"type": "string"}, "postal_address": {"type": "string"}
                        })),
                        "child": object(json!({
                            "name": {"type": "string"},
                            "birth_date": {"type": "string", "format": "date"},
                            "iin": {"type": "string"}
                        })),
                        "resources": {"type": "array", "items": {"type": "object", "required": ["url"], "properties": {"url": {"type": "string"}}}},
                        "incidents": {"type": "array", "items": {"type": "object", "required": ["occurred_on"], "properties": {
                            "occurred_on": {"type": "string", "format": "date"},
                            "resource_url": {"type": "string"}, "description": {"type": "string"},
                            "actor": {"type": "string", "description": "The account that did it: a handle or a profile link."}}}},
                        "description": {"type": "string"}
                    }
                },
                "Receipt": {
                    "type": "object",
                    "required": ["case_id", "access_code", "received_at", "decision_due", "response_due", "regime"],
                    "properties": {
                        "case_id": {"type": "string"}, "access_code": {"type": "string"},
                        "status": {"type": "string"},
                        "received_at": {"type": "string", "format": "date-time"},
                        "decision_due": {"type": "string", "format": "date-time"},
                        "response_due": {"type": "string", "format": "date-time"},
                        "deadlines_provisional": {"type": "boolean"},
                        "regime": {"type": "string"}, "language": {"type": "string"}
                    }
                }
            }
        },
        "paths": {
            "/api/v1/applications": {"post": {
                "summary": "File an application",
                "parameters": [language_parameter()],
                "description": "JSON, or multipart/form-data when files are attached: a part `application` with the same JSON and up to 5 parts `evidence` (PNG, JPEG, WebP or GIF images, PDF, MP4; at most 10 MB each and 25 MB in all). A file's type is sniffed from its content; its name and declared type are ignored. Each file is stored as the case's evidence (kind `upload`) in the same transaction as the application.",
                "requestBody": {"required": true, "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Application"}},
                    "multipart/form-data": {
                        "schema": {"type": "object", "required": ["application"], "properties": {
                            "application": {"$ref": "#/components/schemas/Application"},
                            "evidence": {"type": "array", "maxItems": 5, "items": {"type": "string", "contentMediaType": "application/octet-stream"}}}},
                        "encoding": {"application": {"contentType": "application/json"}}
                    }
                }},
                "responses": {
                    "201": json_response("Recorded: the case number, the access code and the deadlines.", json!({"$ref": "#/components/schemas/Receipt"})),
                    "400": problem_response("Not JSON (or not multipart), or an unknown field."),
                    "413": {"description": "JSON larger than 256 KiB, or files larger than the limit in all."},
                    "422": problem_response("Invalid fields, or inadmissible (codes resource_required, not_a_child, applicant_fields_missing); a refused file names the field `evidence` (codes evidence_type, evidence_too_large, evidence_total, evidence_too_many); without the part `application`, `application` with code required.")
                }
            }},
            "/api/v1/applications/{case_id}": {"get": {
                "summary": "Follow an application",
                "security": [{"accessCode": []}],
                "parameters": [path_parameter("case_id", "The case number."), language_parameter()],
                "responses": {
                    "200": json_response("The status and the timeline, in the case's language.", any_object.clone()),
                    "404": problem_response("No such case, or a wrong access code.")
                }
            }},
            "/api/v1/auth/token": {"post": {
                "summary": "Sign in (staff)",
                "requestBody": json_body(json!({"type": "object", "required": ["username", "password"],
                    "properties": {"username": {"type": "string"}, "password": {"type": "string"}}})),
                "responses": {
                    "200": json_response("A bearer token.", json!({"type": "object", "properties": {
                        "token": {"type": "string"}, "role": {"type": "string", "enum": ["coordinator", "expert"]},
                        "chair": {"type": "boolean"}, "expires_at": {"type": "string", "format": "date-time"}}})),
                    "401": problem_response("Wrong username or password."),
                    "429": problem_response("Too many failed attempts; see Retry-After.")
                }
            }, "delete": {
                "summary": "Sign out (staff): the bearer token's session ends at once",
                "security": [{"staffToken": []}],
                "responses": {
                    "204": {"description": "The session has ended."},
                    "401": problem_response("No live session.")
                }
            }},
            "/api/v1/cases": {"get": {
                "summary": "The queue, earliest deadline first",
                "security": [{"staffToken": []}],
                "parameters": [{"name": "state", "in": "query", "required": false, "schema": {"type": "string",
                    "enum": ["received", "refused", "registered", "under_review", "not_confirmed", "confirmed", "closed"]}}, language_parameter()],
                "responses": {"200": json_response("Cases with their next deadline.", json!({"type": "array", "items": any_object.clone()})),
                              "401": problem_response("Not signed in.")}
            }},
            "/api/v1/cases/{case_id}": {"get": {
                "summary": "A case, as staff see it",
                "security": [{"staffToken": []}],
                "parameters": [path_parameter("case_id", "The case number."), language_parameter()],
                "responses": {"200": json_response("The case.", any_object.clone()), "401": problem_response("Not signed in."), "404": problem_response("No such case.")}
            }},
            "/api/v1/cases/{case_id}/votes": {"post": {
                "summary": "Cast a vote (an expert)",
                "security": [{"staffToken": []}],
                "parameters": [path_parameter("case_id", "The case number."), language_parameter()],
                "requestBody": json_body(json!({"type": "object", "required": ["vote", "category", "reasons"], "properties": {
                    "vote": {"type": "string", "enum": ["confirm", "not_confirm"]},
                    "category": {"type": "string", "enum": ["cyberbullying", "cyberstalking", "criminal", "none"]},
                    "indicators": {"type": "array", "items": {"type": "string", "enum": [
                        "incitement_to_suicide_or_self_harm", "sexual_coercion_or_grooming", "threat_to_life_or_health", "disclosure_of_private_or_family_secrets"]}},
                    "reasons": {"type": "string"}}})),
                "responses": {"200": json_response("Recorded.", any_object.clone()), "401": problem_response("Not signed in."),
                    "403": problem_response("Not a member of the expert group."), "409": problem_response("Not possible now (e.g. already decided)."),
                    "422": problem_response("Invalid fields.")}
            }},
            "/api/v1/cases/{case_id}/decision": {"post": {
                "summary": "Record the expert group's decision (the coordinator or the chair)",
                "security": [{"staffToken": []}],
                "parameters": [path_parameter("case_id", "The case number."), language_parameter()],
                "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "override_reason": {"type": "string", "description": "Why cyberbullying is confirmed on fewer than two incidents."}}}}}},
                "responses": {"200": json_response("The decision; a confirmed one lists the orders issued at once.", any_object.clone()),
                    "401": problem_response("Not signed in."), "403": problem_response("Neither the coordinator nor the chair."),
                    "409": problem_response("The decision rule is not met, or the case was already decided.")}
            }},
            "/api/v1/cases/{case_id}/extension": {"post": {
                "summary": "Extend consideration (the chair; at most 15 calendar days from receipt)",
                "security": [{"staffToken": []}],
                "parameters": [path_parameter("case_id", "The case number."), language_parameter()],
                "requestBody": json_body(json!({"type": "object", "required": ["until", "reason"], "properties": {
                    "until": {"type": "string", "format": "date"}, "reason": {"type": "string"}}})),
                "responses": {"200": json_response("Recorded.", any_object.clone()), "401": problem_response("Not signed in."),
                    "409": problem_response("Not allowed by the regime, by role, or by date."), "422": problem_response("Invalid fields.")}
            }},
            "/api/v1/cases/{case_id}/response": {"post": {
                "summary": "Record that the response was sent to the applicant (the coordinator)",
                "security": [{"staffToken": []}],
                "parameters": [path_parameter("case_id", "The case number."), language_parameter()],
                "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {"channel": {"type": "string"}}}}}},
                "responses": {"200": json_response("Recorded.", any_object.clone()), "401": problem_response("Not signed in."),
                    "403": problem_response("Not the coordinator."), "409": problem_response("No outcome yet, or already answered.")}
            }},
            "/api/v1/orders": {"get": {
                "summary": "The resource owner's orders (seeing an order here is its delivery)",
                "security": [{"ownerApiKey": []}],
                "parameters": [{"name": "status", "in": "query", "required": false, "schema": {"type": "string", "enum": ["open", "all"]}}, language_parameter()],
                "responses": {"200": json_response("Orders: URLs, legal basis, deadline — never who complained.", json!({"type": "array", "items": any_object.clone()})),
                    "401": problem_response("No or unknown API key.")}
            }},
            "/api/v1/orders/{order_id}/acknowledge": {"post": {
                "summary": "Acknowledge an order",
                "security": [{"ownerApiKey": []}],
                "parameters": [path_parameter("order_id", "The order number."), language_parameter()],
                "responses": {"200": json_response("Acknowledged.", any_object.clone()), "401": problem_response("No or unknown API key."), "404": problem_response("No such order for this owner.")}
            }},
            "/api/v1/orders/{order_id}/removal": {"post": {
                "summary": "Report removal",
                "security": [{"ownerApiKey": []}],
                "parameters": [path_parameter("order_id", "The order number."), language_parameter()],
                "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "removed_urls": {"type": "array", "items": {"type": "string"}}, "note": {"type": "string"}}}}}},
                "responses": {"200": json_response("Recorded; verification follows.", any_object.clone()), "401": problem_response("No or unknown API key."),
                    "404": problem_response("No such order for this owner."), "409": problem_response("Not possible in the order's state.")}
            }},
            "/api/v1/stats": {"get": {
                "summary": "Public statistics (no login); no count below the threshold is ever a number",
                "description": "Over every case, as of now; no period or threshold parameters, by design (docs/statistics.md). Applications per month, outcomes, categories, platforms, age bands, decision deadlines, time to decision and to removal, compliance per resource owner with its time to removal and share removed within 24 hours (docs/statistics.md). States the threshold in force (the operator's setting) and the signed checkpoint of the transparency log the figures were read at (`source`). A count is an integer, \"<5\" (below the threshold) or \"suppressed\" (hidden so that a small count cannot be worked out from the totals).",
                "parameters": [language_parameter()],
                "responses": {
                    "200": json_response("The aggregates.", json!({"type": "object",
                        "required": ["threshold", "computed_at", "applications", "applications_per_month", "outcomes", "categories", "platforms", "age_bands", "decision_deadlines", "time_to_decision", "time_to_removal", "compliance"],
                        "properties": {
                            "threshold": {"type": "integer"},
                            "computed_at": {"type": "string", "format": "date-time"},
                            "source": log_source_schema,
                            "applications": {"oneOf": [{"type": "integer"}, {"type": "string", "pattern": "^(<[0-9]+|suppressed)$"}]}
                        }}))
                }
            }},
            "/api/v1/stats/open-data.json": {"get": {
                "summary": "Open data: the public statistics as JSON (no login)",
                "description": "Exactly the body of GET /api/v1/stats, as a download; schema in docs/statistics.md (\"Open data\").",
                "parameters": [language_parameter()],
                "responses": {"200": json_response("The aggregates.", any_object.clone())}
            }},
            "/api/v1/stats/open-data.csv": {"get": {
                "summary": "Open data: the public statistics as CSV (no login)",
                "description": "One published number a line: section,key,column,value (docs/statistics.md, \"Open data\"). A value is an integer, \"<5\" or \"suppressed\".",
                "parameters": [language_parameter()],
                "responses": {"200": {"description": "The aggregates.", "content": {"text/csv": {"schema": {"type": "string"}}}}}
            }},
            "/api/v1/stats/decisions.dsa.json": {"get": {
                "summary": "Decisions as EU DSA statements of reasons (no login)",
                "description": "One statement per removal order of a confirmed case received in the period, in the DSA Transparency Database's field names; no URL, case number, person or text written by people; dates to the month; groups of fewer than the threshold withheld. JSON Schema: docs/schemas/dsa-statements.schema.json.",
                "parameters": [
                    {"name": "period", "in": "query", "required": true, "description": "2025, 2025-H1, 2025-Q3 or 2025-07.", "schema": {"type": "string"}},
                    language_parameter()
                ],
                "responses": {
                    "200": json_response("The statements.", any_object.clone()),
                    "422": problem_response("Not a reporting period (code invalid_period).")
                }
            }},
            "/api/openapi.json": {"get": {
                "summary": "This document",
                "responses": {"200": json_response("The OpenAPI 3.1 document.", any_object)}
            }}
        }
    })
}

pub async fn document() -> Json<Value> {
    Json(openapi())
}
